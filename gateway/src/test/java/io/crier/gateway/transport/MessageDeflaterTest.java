package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.CompressionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class MessageDeflaterTest {

    private final MessageDeflater deflater = new MessageDeflater(new CompressionConfig(true, 100, 6));

    @Test
    void aMessageDeflatedOnItsOwnInflatesBackOnceTheSyncFlushTailIsPutBack() throws Exception {
        byte[] text = "{\"price\":101.25,\"symbol\":\"ACME\"},".repeat(50).getBytes(StandardCharsets.UTF_8);
        ByteBuf payload = Unpooled.wrappedBuffer(text);
        ByteBuf compressed = deflater.deflate(ByteBufAllocator.DEFAULT, payload);
        try {
            assertEquals(0, payload.readerIndex(), "the payload is read, not consumed");
            assertTrue(compressed.readableBytes() < text.length / 5, compressed.readableBytes() + " bytes");
            assertArrayEquals(text, ClientInflate.message(bytes(compressed)));
        } finally {
            compressed.release();
            payload.release();
        }
    }

    @Test
    void messagesDoNotDependOnEachOtherSoOneInflaterReadsThemInAnyOrder() throws Exception {
        byte[] a = "alpha beta gamma delta ".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] b = "alpha beta gamma delta epsilon ".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] first = frameBytes(b);
        byte[] second = frameBytes(a);
        Inflater reader = new Inflater(true); // keeps its window, as a client that takes context over does
        try {
            assertArrayEquals(a, ClientInflate.message(reader, second));
            assertArrayEquals(b, ClientInflate.message(reader, first));
            assertArrayEquals(a, ClientInflate.message(reader, second));
        } finally {
            reader.end();
        }
    }

    @Test
    void aTextFrameCarriesFinRsv1AndTheShortestLengthForEachSize() throws Exception {
        Random random = new Random(7);
        for (int size : new int[] {200, 5_000, 300_000}) {
            byte[] text = new byte[size];
            for (int i = 0; i < size; i++) {
                text[i] = (byte) ('a' + random.nextInt(4)); // compressible, not trivially
            }
            ByteBuf frame = deflater.textFrame(ByteBufAllocator.DEFAULT, text);
            try {
                assertEquals(0xC1, frame.getUnsignedByte(frame.readerIndex()));
                int marker = frame.getUnsignedByte(frame.readerIndex() + 1);
                int header = marker < 126 ? 2 : marker == 126 ? 4 : 10;
                long length = marker < 126 ? marker
                        : marker == 126 ? frame.getUnsignedShort(frame.readerIndex() + 2)
                        : frame.getLong(frame.readerIndex() + 2);
                assertEquals(frame.readableBytes() - header, length, "size " + size);
                assertEquals(length < 126 ? 2 : length <= 0xFFFF ? 4 : 10, header, "the shortest form, size " + size);
                byte[] payload = new byte[(int) length];
                frame.getBytes(frame.readerIndex() + header, payload);
                assertArrayEquals(text, ClientInflate.message(payload), "size " + size);
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void smallOrIncompressibleMessagesAreLeftAsTheyAre() {
        assertNull(deflater.textFrame(ByteBufAllocator.DEFAULT, "x".repeat(99).getBytes(StandardCharsets.UTF_8)),
                "under minBytes");
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        assertNull(deflater.textFrame(ByteBufAllocator.DEFAULT, noise), "deflate would not make it smaller");
        assertNull(new MessageDeflater(new CompressionConfig(true, 0, 6)).textFrame(ByteBufAllocator.DEFAULT,
                new byte[0]), "an empty message");
    }

    private byte[] frameBytes(byte[] text) {
        ByteBuf compressed = deflater.deflate(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(text));
        try {
            return bytes(compressed);
        } finally {
            compressed.release();
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
