package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-thread generator writes what a fresh one writes, object after object, failures and large ones included. */
class JsonOutputTest {

    private final JsonFactory factory = StrictJson.newFactory();
    private final JsonOutput output = new JsonOutput(factory, 16);

    @Test
    void objectAfterObjectIsWrittenAsAFreshGeneratorWritesIt() {
        JsonObjects.Fields first = json -> json.writeStringField("type", "ok");
        JsonObjects.Fields second = json -> {
            json.writeNumberField("offset", 9);
            json.writeStringField("text", "caf\u00e9 \ud83d\ude00 \"quoted\" \ud800");
        };
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(JsonObjects.write(factory, 16, first), output.write(first));
            assertArrayEquals(JsonObjects.write(factory, 16, second), output.write(second));
        }
        assertEquals("{\"type\":\"ok\"}", text(output.write(first)));
    }

    @Test
    void aWriteThatFailedHalfWayLeavesNothingInTheNext() {
        assertThrows(UncheckedIOException.class, () -> output.write(json -> {
            json.writeStringField("type", "ok");
            json.writeStartArray(); // a value where a name is due: the generator refuses it
        }));

        assertEquals("{\"type\":\"ok\"}", text(output.write(json -> json.writeStringField("type", "ok"))));
    }

    @Test
    void anObjectLargerThanTheKeptBufferIsWholeAndTheNextIsSmall() {
        String large = "x".repeat(JsonOutput.MAX_KEPT_BYTES * 2);
        byte[] bytes = output.write(json -> json.writeStringField("data", large));

        assertEquals("{\"data\":\"" + large + "\"}", text(bytes));
        assertEquals("{\"type\":\"ok\"}", text(output.write(json -> json.writeStringField("type", "ok"))));
    }

    @Test
    void aWriteInsideAnotherOnTheSameThreadGetsItsOwnGenerator() {
        byte[] outer = output.write(json -> {
            byte[] inner = output.write(in -> in.writeStringField("type", "inner"));
            json.writeStringField("inner", text(inner));
        });

        assertEquals("{\"inner\":\"{\\\"type\\\":\\\"inner\\\"}\"}", text(outer));
    }

    @Test
    void anotherThreadWritesThroughItsOwnGenerator() throws Exception {
        output.write(json -> json.writeStringField("type", "first"));
        byte[] there = CompletableFuture.supplyAsync(() -> output.write(json -> json.writeStringField("type", "there")))
                .get(10, TimeUnit.SECONDS);

        assertEquals("{\"type\":\"there\"}", text(there));
        assertEquals("{\"type\":\"here\"}", text(output.write(json -> json.writeStringField("type", "here"))));
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
