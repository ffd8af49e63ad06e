package io.crier.gateway.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Two well-behaved clients on the node under abuse: a subscriber of one topic, and a publisher that puts
 * a numbered marker on that topic whenever the suite asks. At the end, the subscriber must have received
 * every marker, in order, whatever the other connections did meanwhile. Not thread-safe: used from the
 * test thread only.
 */
public final class Witness implements AutoCloseable {

    private final String topic;
    private final WsTestClient subscriber;
    private final WsTestClient publisher;
    private final List<String> published = new ArrayList<>();
    private int nextId = 2;

    private Witness(String topic, WsTestClient subscriber, WsTestClient publisher) {
        this.topic = topic;
        this.subscriber = subscriber;
        this.publisher = publisher;
    }

    /** Connects both clients with their tokens and subscribes the subscriber to {@code topic}. */
    public static Witness start(URI ws, String topic, String subscriberToken, String publisherToken)
            throws Exception {
        WsTestClient subscriber = authenticated(ws, subscriberToken);
        WsTestClient publisher = authenticated(ws, publisherToken);
        subscriber.send(ClientCommands.subscribe(2, topic));
        assertEquals("{\"type\":\"ok\",\"id\":2}", subscriber.awaitContaining("\"id\":2"));
        return new Witness(topic, subscriber, publisher);
    }

    /** Publishes the next marker, labelled with {@code label}, and waits for the publisher's {@code ok}. */
    public void mark(String label) throws Exception {
        int id = nextId++;
        String data = "{\"seq\":" + published.size() + ",\"during\":\"" + label.replaceAll("[^A-Za-z0-9_ ]", "_") + "\"}";
        publisher.send(ClientCommands.publish(id, topic, data));
        assertEquals("{\"type\":\"ok\",\"id\":" + id + "}", publisher.awaitContaining("\"id\":" + id + "}"));
        published.add("{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":" + data + "}");
    }

    /** Asserts that the subscriber received every marker, in publish order, and nothing else on the topic. */
    public void assertEveryMarkerArrivedInOrder() throws Exception {
        List<String> received = new ArrayList<>();
        for (int i = 0; i < published.size(); i++) {
            received.add(subscriber.awaitContaining("\"type\":\"message\""));
        }
        assertEquals(published, received);
        assertFalse(subscriber.isClosed(), "the subscriber's connection stays open");
        assertFalse(publisher.isClosed(), "the publisher's connection stays open");
    }

    /** How many markers have been published. */
    public int markers() {
        return published.size();
    }

    @Override
    public void close() {
        subscriber.close();
        publisher.close();
    }

    private static WsTestClient authenticated(URI ws, String token) throws Exception {
        WsTestClient client = WsTestClient.connect(ws);
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("\"type\":\"welcome\"");
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.awaitContaining("\"id\":1}"));
        return client;
    }
}
