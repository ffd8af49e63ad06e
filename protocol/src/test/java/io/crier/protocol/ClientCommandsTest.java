package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ClientCommands} writes PROTOCOL.md's command examples, for the shortcuts the tests and load tests use. */
class ClientCommandsTest {

    @Test
    void eachShortcutWritesTheDocumentedCommand() {
        assertEquals("{\"type\":\"auth\",\"id\":1,\"token\":\"<JWT>\"}", ClientCommands.auth(1, "<JWT>"));
        assertEquals("{\"type\":\"auth\",\"id\":1}", ClientCommands.anonymousAuth(1));
        assertEquals("{\"type\":\"refresh\",\"id\":7,\"token\":\"<JWT>\"}", ClientCommands.refresh(7, "<JWT>"));
        assertEquals("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\"}", ClientCommands.subscribe(2, "news"));
        assertEquals("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":{\"offset\":5,\"epoch\":\"abc\"}}",
                ClientCommands.subscribe(2, "news", 5, "abc"));
        assertEquals("{\"type\":\"unsubscribe\",\"id\":3,\"topic\":\"news\"}", ClientCommands.unsubscribe(3, "news"));
        assertEquals("{\"type\":\"publish\",\"id\":4,\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hi\"}}",
                ClientCommands.publish(4, "chat:lobby", "{\"text\":\"hi\"}"));
        assertEquals("{\"type\":\"publish\",\"id\":4,\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hi\"}}",
                ClientCommands.publish(4, "chat:lobby", "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"type\":\"ping\",\"id\":5}", ClientCommands.ping(5));
        assertEquals("{\"type\":\"presence\",\"id\":4,\"topic\":\"chat:lobby\"}",
                ClientCommands.presence(4, "chat:lobby", false));
        assertEquals("{\"type\":\"ping\",\"id\":\"p\"}", ClientCommands.encode(new Command.Ping(CommandId.ofString("p"))));
    }
}
