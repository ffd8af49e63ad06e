package io.crier.gateway.presence;

import static io.crier.gateway.presence.PresenceFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.TestSubscriber;
import io.crier.gateway.session.Session;
import io.crier.protocol.Command;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PresenceQueryTest {

    private final PresenceFixture node = new PresenceFixture();
    private final EnvelopeCodec codec = new EnvelopeCodec(1024);

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void listsTheTopicsSessionsWithTheirInfo() throws Exception {
        Session alice = node.session("n1-1", user("alice", "{\"name\":\"Alice\"}"));
        node.subscribe(alice, "chat:room");
        node.subscribe(node.session("n1-2", user("bob", null)), "chat:room");

        String reply = text(node.presence(alice, "chat:room", false));

        assertEquals(true, reply.startsWith("{\"type\":\"ok\",\"id\":3,\"presence\":["), reply);
        assertEquals(true, reply.contains("{\"user\":\"alice\",\"session\":\"n1-1\",\"info\":{\"name\":\"Alice\"}}"), reply);
        assertEquals(true, reply.contains("{\"user\":\"bob\",\"session\":\"n1-2\"}"), reply);
    }

    @Test
    void countOnlyAnswersSessionsAndDistinctUsers() throws Exception {
        Session alice = node.session("n1-1", user("alice", null));
        node.subscribe(alice, "chat:room");
        node.subscribe(node.session("n1-2", user("alice", null)), "chat:room");
        node.subscribe(node.session("n1-3", user("bob", null)), "chat:room");

        assertEquals("{\"type\":\"ok\",\"id\":4,\"sessions\":3,\"users\":2}", text(node.presence(alice, "chat:room", true)));
    }

    @Test
    void aListIsCutAtMaxList() throws Exception {
        Session asker = node.session("n1-0", user("asker", null));
        for (int i = 1; i <= PresenceFixture.MAX_LIST + 2; i++) {
            node.subscribe(node.session("n1-" + i, user("u" + i, null)), "chat:room");
        }

        Reply.PresenceList list = (Reply.PresenceList) node.presence(asker, "chat:room", false);

        assertEquals(PresenceFixture.MAX_LIST, list.presence().size());
    }

    @Test
    void aCountNamespaceAnswersCountsButNoList() throws Exception {
        Session alice = node.session("n1-1", user("alice", null));
        node.subscribe(alice, "big:stadium");

        assertEquals("{\"type\":\"ok\",\"id\":2,\"sessions\":1,\"users\":1}", text(node.presence(alice, "big:stadium", true)));
        assertEquals("{\"type\":\"error\",\"id\":3,\"code\":\"not_available\","
                + "\"message\":\"this namespace only counts presence; ask countOnly\"}",
                text(node.presence(alice, "big:stadium", false)));
    }

    @Test
    void presenceOffAnswersNotAvailable() throws Exception {
        Session alice = node.session("n1-1", user("alice", null));

        assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"not_available\","
                + "\"message\":\"presence is off for this namespace\"}", text(node.presence(alice, "events:room", true)));
    }

    @Test
    void aSessionThatMayNotSubscribeMayNotAsk() throws Exception {
        User nobody = new User("eve", TopicPatterns.of(List.of("other:*")), TopicPatterns.NONE,
                Instant.parse("2030-01-01T00:00:00Z"));
        Session eve = node.session("n1-1", nobody);

        String reply = text(node.presence(eve, "chat:room", true));

        assertEquals(true, reply.startsWith("{\"type\":\"error\",\"id\":1,\"code\":\"forbidden\""), reply);
    }

    @Test
    void aStoreThatIsDownAnswersUnavailable() throws Exception {
        Session alice = node.session("n1-1", user("alice", null));
        node.store.close();

        assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"unavailable\","
                + "\"message\":\"presence unavailable, retry later\"}", text(node.presence(alice, "chat:room", true)));
    }

    @Test
    void aSessionWithoutPresenceWiredAnswersNotAvailable() throws Exception {
        Session bare = new Session("n1-9", user("alice", null), new TestSubscriber("n1-9"),
                node.hub, node.policy);

        assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"not_available\",\"message\":\"presence is not available\"}",
                text(node.handle(bare, new Command.Presence(node.nextId(), "chat:room", true))));
    }

    private String text(Reply reply) {
        return new String(codec.encode(reply), StandardCharsets.UTF_8);
    }
}
