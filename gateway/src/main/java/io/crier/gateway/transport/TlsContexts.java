package io.crier.gateway.transport;

import io.crier.gateway.config.TlsConfig;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.tls.CertificateFiles;
import io.crier.gateway.tls.CertificateMaterial;
import io.crier.gateway.tls.InvalidCertificateException;
import io.crier.gateway.tls.SelfSignedCertificates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of the TLS listener: the current {@link SslContext} (TLS 1.2 and 1.3 only, a modern cipher
 * list; OpenSSL through netty-tcnative when it loads, else the JDK), read by every new connection, and its
 * reload. Every {@code tls.reloadInterval} a background thread checks the certificate files; a changed pair
 * that loads replaces the context, so new handshakes present the new certificate while established
 * connections keep theirs. A pair that does not load (half written, mismatched, unreadable) is counted and
 * logged once at WARN, and the previous certificate keeps serving. With {@code tls.selfSigned} a generated
 * development certificate is served and nothing is reloaded.
 *
 * <p>Meters: {@link MeterCatalog#TLS_RELOADS} by outcome ({@code reloaded}, {@code failed}),
 * {@link MeterCatalog#TLS_HANDSHAKES_FAILED}, {@link MeterCatalog#TLS_CERTIFICATE_EXPIRY} (epoch seconds of the served
 * leaf's notAfter).
 *
 * <p>Thread-safe: {@link #newHandler} runs on any event loop; reloads run on one background thread.
 */
public final class TlsContexts implements AutoCloseable {

    /** TLS 1.3 suites, then TLS 1.2 forward-secret AEAD suites (Mozilla's "intermediate" without DHE). */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    /** What a new connection needs: the context, and the certificate it presents (for logs and tests). */
    private record Served(SslContext context, X509Certificate leaf) {
    }

    private final SslProvider provider;
    private final List<String> protocols;
    private final char[] password;
    private final long handshakeTimeoutMillis;
    private final CertificateFiles files;
    private final AtomicReference<Served> served = new AtomicReference<>();
    private final Counter reloaded;
    private final Counter failed;
    private final Counter handshakesFailed;
    private final ScheduledExecutorService reloader;
    private String lastFailure;

    TlsContexts(TlsConfig config, Duration handshakeTimeout, Clock clock, MeterRegistry meters, SslProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.protocols = SslProvider.isTlsv13Supported(provider) ? List.of("TLSv1.3", "TLSv1.2") : List.of("TLSv1.2");
        this.password = config.keyPasswordChars();
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
        this.reloaded = reloadCounter(meters, "reloaded");
        this.failed = reloadCounter(meters, "failed");
        this.handshakesFailed = MeterCatalog.TLS_HANDSHAKES_FAILED.counter(meters);
        if (config.selfSigned()) {
            this.files = null;
            this.reloader = null;
            served.set(load(SelfSignedCertificates.localhost(clock), "a generated self-signed certificate"));
        } else {
            this.files = new CertificateFiles(Path.of(config.certChainFile()), Path.of(config.keyFile()));
            served.set(load(readFiles(), files.describe()));
            this.reloader = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("crier-tls-reload", true));
            long every = config.reloadInterval().toMillis();
            reloader.scheduleWithFixedDelay(this::reloadQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        MeterCatalog.TLS_CERTIFICATE_EXPIRY.gauge(meters, served, s -> s.get().leaf().getNotAfter().getTime() / 1000.0);
        log.info("TLS on {} ({}): {}; serving {}", providerName(), String.join(", ", protocols),
                config.selfSigned() ? "self-signed development certificate" : files.describe(), describe(current()));
    }

    /**
     * Loads the configured certificate (or generates the self-signed one) and starts watching the files.
     *
     * @throws IllegalStateException when the certificate cannot be loaded at startup
     */
    public static TlsContexts start(TlsConfig config, Duration handshakeTimeout, Clock clock, MeterRegistry meters) {
        return new TlsContexts(config, handshakeTimeout, clock, meters, OpenSsl.isAvailable() ? SslProvider.OPENSSL
                : SslProvider.JDK);
    }

    /** A new TLS handler for one connection, on the current certificate. */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        SslHandler handler = served.get().context().newHandler(allocator);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        handler.handshakeFuture().addListener(handshake -> {
            if (!handshake.isSuccess()) {
                handshakesFailed.increment();
            }
        });
        return handler;
    }

    /** The leaf certificate new connections are given. */
    public X509Certificate current() {
        return served.get().leaf();
    }

    /** Which TLS implementation runs. */
    public SslProvider provider() {
        return provider;
    }

    /** The enabled protocol versions, newest first. */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * Checks the files once and swaps the context when they changed and load.
     *
     * @return whether the served certificate changed
     */
    boolean reloadIfChanged() {
        Optional<CertificateFiles.Pair> changed;
        try {
            changed = files == null ? Optional.empty() : files.changed();
        } catch (IOException e) {
            reloadFailed("cannot read " + files.describe() + ": " + e);
            return false;
        }
        if (changed.isEmpty()) {
            return false;
        }
        try {
            Served next = build(changed.get());
            served.set(next);
            reloaded.increment();
            lastFailure = null;
            log.info("TLS certificate reloaded from {}: now serving {}", files.describe(), describe(next.leaf()));
            return true;
        } catch (InvalidCertificateException | SSLException e) {
            reloadFailed(files.describe() + " changed but cannot be served (" + e.getMessage() + ")");
            return false;
        }
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }

    private void reloadQuietly() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep watching, and say why once.
            reloadFailed("unexpected error while reloading " + files.describe() + ": " + e);
        }
    }

    private void reloadFailed(String why) {
        failed.increment();
        if (!why.equals(lastFailure)) {
            lastFailure = why;
            log.warn("TLS certificate reload failed: {}; still serving {}", why, describe(current()));
        }
    }

    private CertificateFiles.Pair readFiles() {
        try {
            return files.read();
        } catch (IOException e) {
            throw new IllegalStateException("TLS: cannot read " + files.describe() + ": " + e, e);
        }
    }

    private Served load(CertificateFiles.Pair pair, String source) {
        try {
            return build(pair);
        } catch (InvalidCertificateException | SSLException e) {
            throw new IllegalStateException("TLS: cannot serve " + source + ": " + e.getMessage(), e);
        }
    }

    private Served build(CertificateFiles.Pair pair) throws InvalidCertificateException, SSLException {
        CertificateMaterial material = CertificateMaterial.parse(pair.chainPem(), pair.keyPem(),
                password == null ? null : password.clone());
        SslContext context = SslContextBuilder
                .forServer(material.key(), material.chain().toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(protocols)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .build();
        return new Served(context, material.leaf());
    }

    private String providerName() {
        return provider == SslProvider.JDK ? "the JDK provider" : "OpenSSL (" + OpenSsl.versionString() + ")";
    }

    private static String describe(X509Certificate leaf) {
        return leaf.getSubjectX500Principal().getName() + " serial " + leaf.getSerialNumber().toString(16)
                + " expiring " + leaf.getNotAfter().toInstant();
    }

    private static Counter reloadCounter(MeterRegistry meters, String outcome) {
        return MeterCatalog.TLS_RELOADS.counter(meters, "outcome", outcome);
    }
}
