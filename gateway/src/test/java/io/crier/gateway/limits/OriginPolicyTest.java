package io.crier.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy sameOriginOnly = new OriginPolicy(List.of());
    private final OriginPolicy listed = new OriginPolicy(List.of("https://app.example.com", "http://localhost:3000"));

    @Test
    void allowsClientsThatSendNoOriginWhateverTheList() {
        assertTrue(sameOriginOnly.allows(null, "gw.example.com"));
        assertTrue(listed.allows(null, null));
    }

    @Test
    void emptyListAllowsOnlyTheOriginWhoseHostAndPortEqualTheHostHeader() {
        assertTrue(sameOriginOnly.allows("http://localhost:8080", "localhost:8080"));
        assertTrue(sameOriginOnly.allows("https://GW.example.com", "gw.example.com"));
        assertTrue(sameOriginOnly.allows("https://gw.example.com", "gw.example.com:443"));
        assertTrue(sameOriginOnly.allows("http://[::1]:8080", "[::1]:8080"));
        assertFalse(sameOriginOnly.allows("http://localhost:8081", "localhost:8080"));
        assertFalse(sameOriginOnly.allows("https://evil.example", "gw.example.com"));
        assertFalse(sameOriginOnly.allows("http://gw.example.com", "gw.example.com:8080"));
        assertFalse(sameOriginOnly.allows("http://localhost:8080", null));
        assertFalse(sameOriginOnly.allows("http://localhost:8080", "localhost:8080/path"));
    }

    @Test
    void listedOriginsMatchBySchemeHostAndPortWithDefaultPortsExplicit() {
        assertTrue(listed.allows("https://app.example.com", "gw.example.com"));
        assertTrue(listed.allows("https://APP.example.com:443", "gw.example.com"));
        assertTrue(listed.allows("http://localhost:3000", "gw.example.com"));
        assertFalse(listed.allows("http://app.example.com", "gw.example.com"));
        assertFalse(listed.allows("https://app.example.com:8443", "gw.example.com"));
        assertFalse(listed.allows("http://localhost:3001", "localhost:3001"));
    }

    @Test
    void opaqueAndMalformedOriginsAreRefusedUnlessAnyOriginIsAllowed() {
        assertFalse(sameOriginOnly.allows("null", "localhost"));
        assertFalse(listed.allows("not a uri", "localhost"));
        assertFalse(listed.allows("file:///etc/passwd", "localhost"));
        OriginPolicy any = new OriginPolicy(List.of("*"));
        assertTrue(any.allows("null", "localhost"));
        assertTrue(any.allows("https://anything.example", "gw.example.com"));
    }

    @Test
    void theRememberedAllowedPairAllowsOnlyAnExactRepeatOfBothHeaders() {
        assertTrue(sameOriginOnly.allows("http://localhost:8080", "localhost:8080"));
        assertTrue(sameOriginOnly.allows("http://localhost:8080", "localhost:8080"));
        // The same Origin beside another Host, or no Host, is judged in full again: refused.
        assertFalse(sameOriginOnly.allows("http://localhost:8080", "localhost:8081"));
        assertFalse(sameOriginOnly.allows("http://localhost:8080", null));
        assertFalse(sameOriginOnly.allows("http://localhost:8081", "localhost:8080"));
        assertTrue(listed.allows("https://app.example.com", "gw.example.com"));
        assertTrue(listed.allows("https://app.example.com", "gw.example.com"));
        assertFalse(listed.allows("https://app.example.com.evil", "gw.example.com"));
        assertTrue(listed.allows("https://app.example.com", "other.example.com"));
    }

    @Test
    void rejectsAnEntryThatIsNotAnOrigin() {
        assertThrows(IllegalArgumentException.class, () -> new OriginPolicy(List.of("app.example.com")));
    }
}
