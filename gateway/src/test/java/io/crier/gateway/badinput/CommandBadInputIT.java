package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.token;
import static io.crier.gateway.badinput.Replies.assertError;
import static io.crier.gateway.badinput.Replies.assertPingAnswered;
import static io.crier.gateway.badinput.Replies.authenticate;
import static io.crier.gateway.badinput.Replies.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.protocol.ClientCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
/**
 * The bad-input suite, command phase: broken JSON and bad commands inside valid frames get error replies and the
 * session goes on; the witness on the same node loses nothing.
 */
class CommandBadInputIT {

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    @Test
    void invalidJsonGetsBadJsonAndTheSessionGoesOn() throws Exception {
        try (RawWebSocket client = NODE.session("json")) {
            assertError(client, "{\"type\":\"ping\",", null, "bad_json");
            assertError(client, "{\"type\":\"ping\",\"id\":2}}", "2", "bad_json");
            assertError(client, "", null, "bad_json");
            assertPingAnswered(client);
        }
    }

    @Test
    void jsonNestedTenThousandLevelsDeepIsRefusedWithoutHarm() throws Exception {
        try (RawWebSocket client = NODE.session("deep")) {
            assertError(client, "[".repeat(10_000), null, "bad_json");
            assertError(client, "{\"type\":\"publish\",\"id\":3,\"topic\":\"badinput:deep\",\"data\":"
                    + "[".repeat(10_000), "3", "too_large");
            assertError(client, "{\"type\":\"ping\",\"id\":4,\"x\":" + "{\"a\":".repeat(2000), "4", "too_large");
            assertPingAnswered(client);
        }
    }

    @Test
    void hugeStringsWithinTheFrameLimitGetErrorReplies() throws Exception {
        String huge = "x".repeat(10_000);
        try (RawWebSocket client = NODE.session("strings")) {
            assertError(client, publish(5, "badinput:strings", "\"" + huge + "\""), "5", "too_large");
            assertError(client, "{\"type\":\"subscribe\",\"id\":6,\"topic\":\"" + huge + "\"}", "6", "bad_topic");
            assertError(client, "{\"type\":\"ping\",\"id\":\"" + huge + "\"}", null, "invalid_field");
            assertError(client, "{\"type\":\"" + huge + "\",\"id\":7}", "7", "unknown_type");
            assertPingAnswered(client);
        }
    }

    @Test
    void hugeNumbersWithinTheFrameLimitGetErrorReplies() throws Exception {
        String digits = "9".repeat(10_000);
        try (RawWebSocket client = NODE.session("numbers")) {
            assertError(client, publish(8, "badinput:numbers", digits), "8", "too_large");
            assertError(client, publish(10, "badinput:numbers", "9".repeat(1001)), "10", "too_large");
            client.sendText(publish(11, "badinput:numbers", "9".repeat(1000)));
            assertEquals("{\"type\":\"ok\",\"id\":11}", client.nextText(), "1000 digits are still a number");
            client.sendText(publish(9, "badinput:numbers", "-1e999999999"));
            assertEquals("{\"type\":\"ok\",\"id\":9}", client.nextText(), "data is passed on as sent, never parsed");
            assertError(client, "{\"type\":\"ping\",\"id\":" + digits + "}", null, "too_large");
            assertError(client, "{\"type\":\"ping\",\"id\":1" + "0".repeat(64) + "}", null, "invalid_field");
            assertPingAnswered(client);
        }
    }

    @Test
    void anIdWithALoneSurrogateGetsInvalidFieldWithoutAnEcho() throws Exception {
        try (RawWebSocket client = NODE.session("surrogates")) {
            assertError(client, "{\"type\":\"ping\",\"id\":\"\\ud800\"}", null, "invalid_field");
            assertError(client, "{\"type\":\"subscribe\",\"id\":\"x\\udc00\",\"topic\":\"news\"}", null,
                    "invalid_field");
            client.sendText("{\"type\":\"ping\",\"id\":\"\\ud83d\\udce3\"}");
            assertEquals("{\"type\":\"ok\",\"id\":\"\ud83d\udce3\"}", client.nextText(), "a proper pair is echoed");
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {"*", "news*", "chat:*", "a b", "tab\\t", "", "nouvelles-\u00e9t\u00e9",
            "\u65b0\u95fb", "\ud83d\udce3", "caf\\u00e9"})
    void topicsOutsideTheTopicAlphabetGetBadTopic(String topic) throws Exception {
        try (RawWebSocket client = NODE.session("topics")) {
            assertError(client, "{\"type\":\"subscribe\",\"id\":21,\"topic\":\"" + topic + "\"}", "21", "bad_topic");
            assertError(client, publish(22, topic, "1"), "22", "bad_topic");
            assertPingAnswered(client);
        }
    }

    @Test
    void topicsOfTwoHundredCharactersAreAcceptedAndLongerOnesGetBadTopic() throws Exception {
        try (RawWebSocket client = NODE.session("long-topics")) {
            client.sendText("{\"type\":\"subscribe\",\"id\":23,\"topic\":\"badinput:" + "l".repeat(191) + "\"}");
            assertEquals("{\"type\":\"ok\",\"id\":23}", client.nextText());
            assertError(client, "{\"type\":\"subscribe\",\"id\":24,\"topic\":\"badinput:" + "l".repeat(192) + "\"}",
                    "24", "bad_topic");
        }
    }

    @Test
    void unknownCommandsGetUnknownType() throws Exception {
        try (RawWebSocket client = NODE.session("unknown")) {
            assertError(client, "{\"type\":\"fly\",\"id\":25}", "25", "unknown_type");
            assertError(client, "{\"type\":\"PING\",\"id\":26}", "26", "unknown_type");
            assertError(client, "{\"type\":7,\"id\":27}", "27", "invalid_field");
            assertError(client, "{\"id\":28}", "28", "missing_field");
            assertPingAnswered(client);
        }
    }

    @Test
    void commandsBeforeAuthGetNotAuthenticatedAndAuthStillWorks() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            assertError(client, ClientCommands.subscribe(31, "badinput:early"), "31", "not_authenticated");
            assertError(client, publish(32, "badinput:early", "1"), "32", "not_authenticated");
            assertError(client, ClientCommands.unsubscribe(33, "badinput:early"), "33", "not_authenticated");
            assertError(client, ClientCommands.ping(34), "34", "not_authenticated");
            assertError(client, ClientCommands.refresh(35, token("early")), "35", "not_authenticated");
            authenticate(client, token("early"));
            assertPingAnswered(client);
        }
    }
}
