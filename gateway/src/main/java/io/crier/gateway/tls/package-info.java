/**
 * Certificate material for the TLS listener, as plain Java: reading and checking a PEM certificate chain
 * and private key ({@link io.crier.gateway.tls.CertificateMaterial}), noticing when the files change
 * ({@link io.crier.gateway.tls.CertificateFiles}), and generating the development self-signed certificate
 * ({@link io.crier.gateway.tls.SelfSignedCertificates}).
 *
 * <p>Depends on the JDK's security APIs and BouncyCastle (PEM parsing and certificate building); no Netty
 * (the transport builds its {@code SslContext} from a {@link io.crier.gateway.tls.CertificateMaterial}).
 * Each type states its own thread-safety.
 */
package io.crier.gateway.tls;
