package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control messages of the server API: golden files pin them; anything nodes did not write is ignored. */
class FleetControlCodecTest {

    private final FleetControlCodec controls = new FleetControlCodec();

    @Test
    void controlMessagesRoundTripAndMatchTheirGoldenFiles() {
        FleetAction invalidate = new FleetAction.Invalidate("42", Instant.ofEpochMilli(1767225600000L));
        assertArrayEquals(golden("control-invalidate.json"), controls.encodeControl("r1", "n1", invalidate));
        assertArrayEquals(golden("control-reached.json"), controls.encodeReached("r1", "n2", 3));
        assertEquals(new FleetControlCodec.Control.Take("r1", "n1", invalidate),
                controls.decodeControl(golden("control-invalidate.json")));
        assertEquals(new FleetControlCodec.Control.Reached("r1", "n2", 3), controls.decodeControl(golden("control-reached.json")));
        FleetAction.Disconnect coded = new FleetAction.Disconnect("42", Close.app(4123, "kicked"));
        assertArrayEquals(golden("control-disconnect-code.json"), controls.encodeControl("r1", "n1", coded));
        assertEquals(new FleetControlCodec.Control.Take("r1", "n1", coded),
                controls.decodeControl(golden("control-disconnect-code.json")));
        for (FleetAction action : List.of(new FleetAction.Disconnect("u", true), new FleetAction.Unsubscribe("u", "t"),
                new FleetAction.Disconnect("u", Close.app(4999, "gone")),
                new FleetAction.Subscribe("u", "t"), new FleetAction.Revoke("j", Instant.ofEpochMilli(5)),
                new FleetAction.Block("u", Instant.ofEpochMilli(9)), new FleetAction.Unblock("u"))) {
            assertEquals(new FleetControlCodec.Control.Take("r", "n", action),
                    controls.decodeControl(controls.encodeControl("r", "n", action)));
        }
    }

    @Test
    void aControlMessageNodesDidNotWriteIsIgnored() {
        for (String junk : List.of("", "{}", "[]", "{\"request\":\"r\",\"node\":\"n\"}",
                "{\"request\":\"r\",\"node\":\"n\",\"action\":\"info\"}",
                "{\"request\":\"r\",\"node\":\"n\",\"action\":\"revoke\",\"jti\":\"x\"}",
                "{\"request\":\"r\",\"node\":\"n\",\"action\":\"block\",\"user\":\"u\",\"untilMs\":\"soon\"}",
                "{\"request\":\"r\",\"node\":\"n\",\"reached\":-1}",
                "{\"request\":\"r\",\"node\":\"n\",\"action\":\"disconnect\",\"user\":\"u\",\"code\":4008,\"reason\":\"x\"}",
                "{\"request\":\"r\",\"node\":\"n\",\"action\":\"revoke\",\"jti\":\"x\",\"expMs\":9223372036854775807}")) {
            assertNull(controls.decodeControl(bytes(junk)), junk);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] golden(String name) {
        return FleetApiCodecTest.golden(name);
    }
}
