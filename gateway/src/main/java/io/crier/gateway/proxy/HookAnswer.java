package io.crier.gateway.proxy;

import io.crier.protocol.HookResponse;

/**
 * The end of one hook call: the backend's valid {@code response} ({@link HookResponse.Result},
 * {@link HookResponse.Error} or {@link HookResponse.Disconnect}), or the {@code failure} that kept it from having
 * one; exactly one of the two is set. Immutable; thread-safe.
 */
public record HookAnswer(HookResponse response, HookFailure failure) {

    public HookAnswer {
        if ((response == null) == (failure == null) || response instanceof HookResponse.Invalid) {
            throw new IllegalArgumentException("exactly one of a valid response and a failure");
        }
    }

    static HookAnswer of(HookResponse response) {
        return response instanceof HookResponse.Invalid ? failed(HookFailure.INVALID) : new HookAnswer(response, null);
    }

    static HookAnswer failed(HookFailure failure) {
        return new HookAnswer(null, failure);
    }

    /** The backend's result, or null when it refused, disconnected or failed. */
    public HookResponse.Result result() {
        return response instanceof HookResponse.Result result ? result : null;
    }

    /** The {@code outcome} tag of {@code crier.proxy.calls}. */
    String outcome() {
        if (failure != null) {
            return failure.tag();
        }
        if (response instanceof HookResponse.Result) {
            return "result";
        }
        return response instanceof HookResponse.Error ? "error" : "disconnect";
    }
}
