package io.crier.gateway.publish;

import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.PublishApiError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The meters of the HTTP publish API: {@link MeterCatalog#API_REQUESTS} ({@code result}) counts every request by its
 * outcome ({@code ok} or the error code of the whole response), {@link MeterCatalog#API_PUBLICATIONS} ({@code
 * result}) every publication of a served request ({@code ok} or its own error code). Tags come from a fixed set; none
 * names a topic. Thread-safe.
 */
public final class PublishApiMeters {

    private static final String OK = "ok";

    private final Counter requestsOk;
    private final Counter publicationsOk;
    private final Map<PublishApiError, Counter> requestErrors = new EnumMap<>(PublishApiError.class);
    private final Map<PublishApiError, Counter> publicationErrors = new EnumMap<>(PublishApiError.class);

    public PublishApiMeters(MeterRegistry meters) {
        this.requestsOk = requests(meters, OK);
        this.publicationsOk = publications(meters, OK);
        for (PublishApiError error : PublishApiError.values()) {
            requestErrors.put(error, requests(meters, error.wire()));
            publicationErrors.put(error, publications(meters, error.wire()));
        }
    }

    /** Counts a request answered 200. */
    public void requestOk() {
        requestsOk.increment();
    }

    /** Counts a request answered with {@code error} as a whole. */
    public void requestFailed(PublishApiError error) {
        requestErrors.get(error).increment();
    }

    /** Counts a publication made. */
    public void publicationOk() {
        publicationsOk.increment();
    }

    /** Counts a publication not made because of {@code error}. */
    public void publicationFailed(PublishApiError error) {
        publicationErrors.get(error).increment();
    }

    private static Counter requests(MeterRegistry meters, String result) {
        return MeterCatalog.API_REQUESTS.counter(meters, "result", result);
    }

    private static Counter publications(MeterRegistry meters, String result) {
        return MeterCatalog.API_PUBLICATIONS.counter(meters, "result", result);
    }
}
