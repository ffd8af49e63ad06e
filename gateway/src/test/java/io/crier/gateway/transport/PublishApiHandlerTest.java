package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.auth.BearerKey;
import io.crier.gateway.hub.PublishRoute;
import io.crier.gateway.publish.PublishService;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP publish API on the wire: raw HTTP/1.1 requests through Netty's real codec and the
 * {@code http-api} handler, with an {@link InMemoryBroker} and an {@link InMemoryHistoryStore} behind it
 * (topics {@code hist:*} keep history). One test per status, plus the pass-through of other routes.
 */
class PublishApiHandlerTest {

    private static final String KEY = "publish-api-test-key-of-32-bytes-or-more";
    private static final int MAX_DATA = 64;
    private static final int MAX_BATCH = 4;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryBroker broker = new InMemoryBroker();
    private final InMemoryHistoryStore history = new InMemoryHistoryStore(broker);
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final PublishApiEndpoint endpoint = new PublishApiEndpoint(
            new BearerKey(KEY.getBytes(StandardCharsets.UTF_8)), MAX_DATA, MAX_BATCH,
            new PublishService(new PublishRoute(broker, new PublicationCodec(), history,
                    topic -> topic.startsWith("hist:") ? new HistoryOptions(100, Duration.ofMinutes(5)) : null)),
            meters, 8 * (MAX_BATCH * (MAX_DATA + 512)));
    private final List<Object> passed = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    PublishApiHandlerTest() {
        broker.start((topic, payload) -> delivered.add(topic + " " + new String(payload, StandardCharsets.UTF_8)));
        for (String topic : List.of("news", "hist:a", "hist:b")) {
            broker.subscribe(topic);
        }
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        passed.forEach(ReferenceCountUtil::release);
        history.close();
        broker.close();
    }

    @Test
    void publishesToATopicWithoutHistoryAndAnswersAnEmptyObjectThenCloses() {
        EmbeddedChannel channel = connection();
        Response response = post(channel, "{\"topic\":\"news\",\"data\":{\"headline\":\"hi\"}}");
        assertEquals(200, response.status);
        assertEquals("{}", response.body);
        assertEquals("application/json", response.header("content-type"));
        assertEquals("close", response.header("connection"));
        assertEquals(List.of("news {\"data\":{\"headline\":\"hi\"}}"), delivered);
        assertFalse(channel.isActive(), "every API response closes the connection");
        assertEquals(1.0, count("crier.api.requests", "ok"));
    }

    @Test
    void publishesToATopicWithHistoryAndAnswersWithItsOffsetAndEpoch() {
        Response first = post(connection(), "{\"topic\":\"hist:a\",\"data\":1}");
        Response second = post(connection(), "{\"topic\":\"hist:a\",\"data\":2}");
        assertEquals(200, first.status);
        String epoch = first.body.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1");
        assertEquals("{\"offset\":1,\"epoch\":\"" + epoch + "\"}", first.body);
        assertEquals("{\"offset\":2,\"epoch\":\"" + epoch + "\"}", second.body);
        assertEquals("hist:a {\"offset\":2,\"epoch\":\"" + epoch + "\",\"data\":2}", delivered.get(1));
    }

    @Test
    void answersABatchInOrderWithPerPublicationErrors() {
        Response response = post(connection(), "{\"publications\":["
                + "{\"topic\":\"hist:b\",\"data\":\"one\"},{\"topic\":\"bad topic\",\"data\":0},"
                + "{\"topic\":\"news\",\"data\":\"two\"},{\"topic\":\"hist:b\",\"data\":\"three\"}]}");
        assertEquals(200, response.status);
        String epoch = response.body.replaceAll(".*?\"epoch\":\"([^\"]+)\".*", "$1");
        assertEquals("{\"results\":[{\"offset\":1,\"epoch\":\"" + epoch + "\"},"
                + "{\"error\":{\"code\":\"bad_topic\",\"message\":\"topic must be 1 to 200 characters of "
                + "A-Z a-z 0-9 _ - . : @ =\"}},{},{\"offset\":2,\"epoch\":\"" + epoch + "\"}]}", response.body);
        assertEquals(3, delivered.size());
        assertTrue(delivered.get(0).endsWith("\"data\":\"one\"}") && delivered.get(2).endsWith("\"data\":\"three\"}"),
                delivered::toString);
        assertEquals(3.0, count("crier.api.publications", "ok"));
        assertEquals(1.0, count("crier.api.publications", "bad_topic"));
    }

    @Test
    void refusesAMissingOrWrongKeyWith401BeforeReadingTheBody() {
        Response missing = send(connection(), request("POST", "/api/v1/publish", null, "application/json", "{}"));
        assertEquals(401, missing.status);
        assertEquals("Bearer", missing.header("www-authenticate"));
        assertTrue(missing.body.startsWith("{\"error\":{\"code\":\"unauthorized\""), missing.body);
        Response prefix = send(connection(), request("POST", "/api/v1/publish", KEY.substring(0, 32),
                "application/json", "{\"topic\":\"news\",\"data\":1}"));
        assertEquals(401, prefix.status);
        assertEquals(List.of(), delivered);
        assertEquals(2.0, count("crier.api.requests", "unauthorized"));
    }

    @Test
    void refusesAnotherMethodWith405() {
        Response response = send(connection(), "GET /api/v1/publish HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(405, response.status);
        assertEquals("POST", response.header("allow"));
    }

    @Test
    void refusesAnotherContentTypeWith415() {
        assertEquals(415, send(connection(), request("POST", "/api/v1/publish", KEY, "text/plain", "{}")).status);
        assertEquals(415, send(connection(), request("POST", "/api/v1/publish", KEY,
                "application/json; charset=iso-8859-1", "{}")).status);
        assertEquals(200, send(connection(), request("POST", "/api/v1/publish?x=1", KEY,
                "Application/JSON; charset=UTF-8", "{\"topic\":\"news\",\"data\":1}")).status);
    }

    @Test
    void refusesMalformedJsonWith400BadJson() {
        Response response = post(connection(), "{\"topic\":\"news\",\"data\":");
        assertEquals(400, response.status);
        assertTrue(response.body.startsWith("{\"error\":{\"code\":\"bad_json\""), response.body);
    }

    @Test
    void refusesABadTopicWith400BadTopic() {
        Response response = post(connection(), "{\"topic\":\"no spaces\",\"data\":1}");
        assertEquals(400, response.status);
        assertTrue(response.body.startsWith("{\"error\":{\"code\":\"bad_topic\""), response.body);
    }

    @Test
    void refusesDataOverTheLimitAndABatchOverItsSizeWith413() {
        Response data = post(connection(), "{\"topic\":\"news\",\"data\":\"" + "x".repeat(MAX_DATA) + "\"}");
        assertEquals(413, data.status);
        assertTrue(data.body.startsWith("{\"error\":{\"code\":\"too_large\""), data.body);
        Response batch = post(connection(), "{\"publications\":[1,2,3,4,5]}");
        assertEquals(413, batch.status);
        assertEquals(List.of(), delivered);
    }

    @Test
    void refusesADeclaredBodyOverTheCapWith413AndClosesWhenTheClientWaitsForContinue() {
        String head = "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (endpoint.maxBodyBytes() + 1) + "\r\n";
        EmbeddedChannel waiting = connection();
        Response refused = send(waiting, head + "Expect: 100-continue\r\n\r\n");
        assertEquals(413, refused.status);
        assertFalse(waiting.isActive(), "the client never sends the body: close at once");

        EmbeddedChannel sending = connection();
        assertEquals(413, send(sending, head + "\r\n").status);
        assertTrue(sending.isActive(), "the body the client is sending is read and discarded first");
        sending.writeInbound(Unpooled.wrappedBuffer(new byte[endpoint.maxBodyBytes() + 1]));
        assertFalse(sending.isActive());
    }

    @Test
    void refusesAChunkedBodyThatGrowsOverTheCapWith413() {
        EmbeddedChannel channel = connection();
        String chunk = "x".repeat(endpoint.maxBodyBytes() / 2 + 1);
        String chunked = "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk(chunk) + chunk(chunk) + "0\r\n\r\n";
        Response response = send(channel, chunked);
        assertEquals(413, response.status);
        assertFalse(channel.isActive());
    }

    @Test
    void answersContinueThenTheResultWhenTheClientAsksForIt() {
        EmbeddedChannel channel = connection();
        String body = "{\"topic\":\"news\",\"data\":true}";
        String head = "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
                + "\r\n\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
        assertTrue(outbound(channel).startsWith("HTTP/1.1 100 Continue\r\n"));
        Response response = send(channel, body);
        assertEquals(200, response.status);
        assertEquals(List.of("news {\"data\":true}"), delivered);
    }

    @Test
    void answers503WithRetryAfterWhileRedisIsUnavailable() {
        broker.close();
        Response single = post(connection(), "{\"topic\":\"hist:a\",\"data\":1}");
        assertEquals(503, single.status);
        assertEquals("1", single.header("retry-after"));
        assertTrue(single.body.startsWith("{\"error\":{\"code\":\"unavailable\""), single.body);
        Response batch = post(connection(), "{\"publications\":[{\"topic\":\"news\",\"data\":1},"
                + "{\"topic\":\"news\",\"data\":2}]}");
        assertEquals(503, batch.status, "nothing was published: one 503 for the whole batch");
        assertEquals(2.0, count("crier.api.requests", "unavailable"));
    }

    @Test
    void answers503WhenTheNodesBufferBudgetIsSpentAndAgainOnceItIsGivenBack() {
        String head = "POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + endpoint.maxBodyBytes() + "\r\n\r\n";
        int fit = 8;
        List<EmbeddedChannel> reading = new ArrayList<>();
        for (int i = 0; i < fit; i++) {
            EmbeddedChannel channel = connection();
            channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
            assertEquals("", outbound(channel), "admitted; its body is awaited");
            reading.add(channel);
        }
        Response refused = send(connection(), head);
        assertEquals(503, refused.status);
        assertEquals("1", refused.header("retry-after"));
        reading.get(0).close();
        EmbeddedChannel next = connection();
        next.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
        assertEquals("", outbound(next), "the closed connection gave its room back");
    }

    @Test
    void passesEveryOtherRequestOnUntouched() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(Unpooled.copiedBuffer("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /api/v1/publisher HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", StandardCharsets.US_ASCII));
        assertEquals("", outbound(channel));
        assertEquals(4, passed.size(), passed::toString);
        assertEquals("/healthz", assertInstanceOf(HttpRequest.class, passed.get(0)).uri());
        assertInstanceOf(LastHttpContent.class, passed.get(1));
        assertEquals("/api/v1/publisher", assertInstanceOf(HttpRequest.class, passed.get(2)).uri());
        assertEquals("{}", assertInstanceOf(LastHttpContent.class, passed.get(3)).content()
                .toString(StandardCharsets.US_ASCII));
        assertNull(channel.readInbound());
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new PublishApiHandler(endpoint),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        passed.add(msg);
                    }
                });
        channels.add(channel);
        return channel;
    }

    private static Response post(EmbeddedChannel channel, String json) {
        return send(channel, request("POST", "/api/v1/publish", KEY, "application/json", json));
    }

    private static String request(String method, String path, String key, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static Response send(EmbeddedChannel channel, String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        return Response.parse(outbound(channel));
    }

    /** Everything the server wrote since the last call, as text. */
    private static String outbound(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        return text.toString();
    }

    private double count(String name, String result) {
        return meters.get(name).tag("result", result).counter().count();
    }

    private record Response(int status, Map<String, String> headers, String body) {
        static Response parse(String raw) {
            int end = raw.indexOf("\r\n\r\n");
            assertTrue(end > 0, () -> "no complete response in: " + raw);
            String[] lines = raw.substring(0, end).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(end + 4));
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
