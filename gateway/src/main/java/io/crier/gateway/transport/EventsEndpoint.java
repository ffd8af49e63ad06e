package io.crier.gateway.transport;

import io.crier.cluster.StatusLogId;
import io.crier.cluster.UserStatusLog;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.NodesCodec;
import io.crier.protocol.UserStatusCodec;
import io.crier.protocol.UserStatusEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The online/offline events' route of the admin API, {@code GET /api/v1/events?after=<id>&limit=<n>}, served
 * through {@link AdminRoutes} (which checks the admin key first) when {@code events.enabled} is on: answers 200 with
 * {@link UserStatusCodec}'s page of the entries after {@code after} (default {@code 0}, the oldest kept), at most
 * {@code limit} (1..{@value UserStatusLog#MAX_READ}, default {@value #DEFAULT_LIMIT}); 400 {@code bad_request} when
 * a parameter is malformed, repeated or out of range (a fixed message: the query is never echoed); 503
 * {@code unavailable} when the log cannot be read (Redis is down). It reads the embedded node's in-memory log, or the
 * fleet's stream. The answer closes the connection: it may come after the log's round trip. Counted in
 * {@link MeterCatalog#ADMIN_REQUESTS} with {@code action=events}, by outcome.
 *
 * <p>Immutable; thread-safe. Never blocks: the answer is written when the log's stage completes.
 */
public final class EventsEndpoint {

    /** The route. */
    public static final String PATH = "/api/v1/events";
    /** The page size when {@code limit} is not given. */
    static final int DEFAULT_LIMIT = 100;
    private static final String BAD_QUERY = "after must be an entry id (<ms>-<n>, or 0) and limit a number from 1 to "
            + UserStatusLog.MAX_READ + ", each at most once";

    private final UserStatusLog log;
    private final UserStatusCodec codec = new UserStatusCodec();
    private final NodesCodec errors = new NodesCodec();
    private final Counter ok;
    private final Counter badRequest;
    private final Counter unavailable;

    /** Reads {@code log}; counts the calls in {@code meters}. */
    public EventsEndpoint(UserStatusLog log, MeterRegistry meters) {
        this.log = Objects.requireNonNull(log, "log");
        this.ok = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "events", "outcome", "ok");
        this.badRequest = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "events", "outcome", "bad_request");
        this.unavailable = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "events", "outcome", "unavailable");
    }

    /** Answers an authorized {@code GET} of {@code uri}; the request is not needed past this call. */
    void handle(ChannelHandlerContext ctx, String uri) {
        Page page = page(new QueryStringDecoder(uri).parameters());
        if (page == null) {
            badRequest.increment();
            HttpResponses.send(ctx, null, HttpResponseStatus.BAD_REQUEST, HttpResponses.JSON,
                    errors.encodeError("bad_request", BAD_QUERY), false);
            return;
        }
        log.read(page.after(), page.limit()).whenComplete((events, error) -> {
            if (error == null) {
                ok.increment();
                HttpResponses.send(ctx, null, HttpResponseStatus.OK, HttpResponses.JSON,
                        codec.encodePage(events, next(events, page.after())), false);
            } else {
                // The log's trouble (Redis down) is the operator's to see in the answer, not a log line per call.
                unavailable.increment();
                HttpResponses.send(ctx, null, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpResponses.JSON,
                        errors.encodeError("unavailable", "the events cannot be read right now; retry later"), false);
            }
        });
    }

    /** The page {@code parameters} ask for, or {@code null} when they are malformed. */
    static Page page(Map<String, List<String>> parameters) {
        List<String> after = parameters.getOrDefault("after", List.of("0"));
        List<String> limit = parameters.getOrDefault("limit", List.of(Integer.toString(DEFAULT_LIMIT)));
        if (after.size() != 1 || limit.size() != 1 || !Set.of("after", "limit").containsAll(parameters.keySet())) {
            return null;
        }
        try {
            StatusLogId id = StatusLogId.parse(after.get(0));
            int size = Integer.parseInt(limit.get(0));
            return size >= 1 && size <= UserStatusLog.MAX_READ ? new Page(id.toString(), size) : null;
        } catch (IllegalArgumentException e) {
            // A malformed id or number (NumberFormatException is one): the fixed bad_request answer.
            return null;
        }
    }

    private static String next(List<UserStatusEvent> events, String after) {
        return events.isEmpty() ? after : events.get(events.size() - 1).id();
    }

    /** The entries after {@code after}, at most {@code limit}. */
    record Page(String after, int limit) {
    }
}
