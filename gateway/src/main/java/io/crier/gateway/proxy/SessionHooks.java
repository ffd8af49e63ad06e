package io.crier.gateway.proxy;

import io.crier.gateway.auth.User;
import io.crier.protocol.Close;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.HookKind;
import io.crier.protocol.HookRequest;
import io.crier.protocol.HookResponse;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's proxy hooks (subscribe, publish, rpc): whether a topic or method goes through one, the call, with
 * the upgrade's forwarded headers and at most {@code proxy.maxInFlightPerSession} calls in flight (one more is
 * {@link HookFailure#BUSY} at once, so one client cannot take the node's bulkhead), and what the client is told when
 * the backend does not let the command through ({@link #refusal}). Answers complete on the session's executor (its
 * event loop). {@link #NONE}: no hook.
 *
 * <p>Thread-safe: the in-flight count is atomic; everything else is immutable.
 */
public final class SessionHooks {

    /** A session without hooks. */
    public static final SessionHooks NONE = new SessionHooks(ProxyHooks.OFF, "", Map.of(), Runnable::run, code -> { });

    private static final Logger log = LoggerFactory.getLogger(SessionHooks.class);

    private final ProxyHooks hooks;
    private final String session;
    private final Map<String, String> headers;
    private final Executor loop;
    private final Consumer<Close> disconnect;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param session    the session's id
     * @param headers    the upgrade request's headers on the {@code proxy.headers} allowlist
     * @param loop       where answers complete (the session's event loop)
     * @param disconnect closes the session, when the backend says so
     */
    public SessionHooks(ProxyHooks hooks, String session, Map<String, String> headers, Executor loop,
                        Consumer<Close> disconnect) {
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.session = Objects.requireNonNull(session, "session");
        this.headers = Map.copyOf(headers);
        this.loop = Objects.requireNonNull(loop, "loop");
        this.disconnect = Objects.requireNonNull(disconnect, "disconnect");
    }

    /** Whether a {@code kind} command on {@code name} (a topic, or an rpc method) goes through the backend. */
    public boolean on(HookKind kind, String name) {
        return hooks.urlFor(kind, name).isPresent();
    }

    /** Asks the subscribe hook whether {@code user} may subscribe to {@code topic}. */
    public CompletionStage<HookAnswer> subscribe(User user, String topic) {
        return call(HookKind.SUBSCRIBE, topic, url -> new HookRequest.Subscribe(hooks.nodeId(), session, user.id(),
                topic));
    }

    /** Asks the publish hook whether {@code user} may publish {@code data} to {@code topic} (and with what data). */
    public CompletionStage<HookAnswer> publish(User user, String topic, RawJson data) {
        return call(HookKind.PUBLISH, topic, url -> new HookRequest.Publish(hooks.nodeId(), session, user.id(), topic,
                data));
    }

    /** Asks the rpc hook to answer {@code method} with {@code data} (null: none) for {@code user}. */
    public CompletionStage<HookAnswer> rpc(User user, String method, RawJson data) {
        return call(HookKind.RPC, method, url -> new HookRequest.Rpc(hooks.nodeId(), session, user.id(), method,
                data));
    }

    /**
     * The reply to a command the backend did not let through: its {@code error} as a {@code refused} reply with its
     * code and message; its {@code disconnect} closes the session ({@link HookResponse.Disconnect#close()}: an
     * application code passes through, Crier's own ranges become 4008 or 4505); a failure is
     * {@code unavailable}, with a fixed message.
     */
    public Reply refusal(CommandId id, HookAnswer answer) {
        if (answer.response() instanceof HookResponse.Error error) {
            return new Reply.Refused(id, error.code(), error.message());
        }
        if (answer.response() instanceof HookResponse.Disconnect order) {
            // The layout escapes every logged value (LogEscaper): a backend's reason cannot forge a line.
            log.debug("session {}: the backend disconnects it: {} {}", session, order.code(),
                    order.reason());
            disconnect.accept(order.close());
            return new Reply.Error(id, ErrorCode.REFUSED, "disconnected by the backend");
        }
        return new Reply.Error(id, ErrorCode.UNAVAILABLE, answer.failure().message());
    }

    private CompletionStage<HookAnswer> call(HookKind kind, String name, Function<URI, HookRequest> request) {
        Optional<URI> url = hooks.urlFor(kind, name);
        if (url.isEmpty()) {
            throw new IllegalStateException("no " + kind.tag() + " hook for this namespace");
        }
        if (inFlight.incrementAndGet() > hooks.maxInFlightPerSession()) {
            inFlight.decrementAndGet();
            return CompletableFuture.completedFuture(hooks.busy(kind));
        }
        return hooks.call(url.get(), request.apply(url.get()), headers).thenApplyAsync(answer -> {
            inFlight.decrementAndGet();
            return answer;
        }, loop);
    }
}
