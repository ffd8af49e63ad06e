package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The startup description ({@link CrierConfig#describe()}) is derived from the keys the loader reads. */
class CrierConfigDescribeTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
    // A key's name after a space; values here have no '=' (a note such as <none: admin API off> has spaces).
    private static final Pattern KEY_NAME = Pattern.compile(" ([A-Za-z][A-Za-z0-9.]*)=");

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    @Test
    void describeListsEveryKeyTheLoaderReadsAndNoOther() {
        String text = loader.defaults().describe();

        assertEquals(loader.keys(), List.copyOf(new TreeSet<>(describedKeys(text))), text);
    }

    @Test
    void describeKeepsTheOrderOfTheBundledDefaultsOneLinePerSection() {
        List<String> lines = loader.load(null, Map.of("CRIER_NODE_ID", "node-1")).describe().lines().toList();

        assertTrue(lines.get(0).startsWith("node: id=node-1 advertiseAddress=<server.host:port>"), lines.get(0));
        assertTrue(lines.get(1).startsWith("server: host=127.0.0.1 port=8080 wsPath=/ws transport=auto"), lines.get(1));
        assertEquals(lines.size(), lines.stream().map(line -> line.substring(0, line.indexOf(':'))).distinct().count(),
                String.join("\n", lines));
    }

    @Test
    void describeShowsTheValuesInUse() {
        CrierConfig config = loader.load(null, Map.of("HOSTNAME", "gw-host", "CRIER_SERVER_HOST", "10.0.0.5",
                "CRIER_SERVER_CLOSE_LINGER", "3s", "CRIER_REDIS_MODE", "standalone",
                "CRIER_REDIS_URI", "redis://10.0.0.7:6379"));

        String text = config.describe();

        assertTrue(text.contains("node: id=" + config.node().id() + " "), text);
        assertTrue(text.contains(" closeLinger=3s "), text);
        assertTrue(text.contains("tls: enabled=false host=10.0.0.5 port=8443"), text);
        assertTrue(text.contains("redis: uri=redis://10.0.0.7:6379 prefix=crier: mode=standalone"), text);
        assertTrue(loader.defaults().describe().contains("redis: uri=<none: in-memory broker>"));
        assertTrue(loader.defaults().describe().contains(" tlsCaFile=<JVM trust store>"));
    }

    @Test
    void describeShowsTheNamespaceKeysOfTheFile() throws IOException {
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, "namespace.chat.historySize=100\nnamespace.chat.presence=full\n", StandardCharsets.UTF_8);

        String text = loader.load(file, Map.of()).describe();

        assertTrue(text.contains("namespaces: default.anonymousSubscribe=false"), text);
        assertTrue(text.contains("\nnamespace: chat.historySize=100 chat.presence=full"), text);
    }

    @Test
    void describeShowsOnlyWhetherEachSecretIsSet() {
        Map<String, String> secrets = Map.of("CRIER_AUTH_HMAC_SECRET", SECRET + "-1",
                "CRIER_AUTH_HMAC_SECRET_PREVIOUS", SECRET + "-2",
                "CRIER_TLS_KEY_PASSWORD", SECRET + "-3", "CRIER_ADMIN_KEY", SECRET + "-4", "CRIER_API_KEY", SECRET + "-5",
                "CRIER_TLS_ENABLED", "true", "CRIER_TLS_SELF_SIGNED", "true",
                "CRIER_REDIS_URI", "redis://:" + SECRET + "-6@redis.example:6379");

        String text = loader.load(null, secrets).describe();

        assertFalse(text.contains(SECRET), text);
        for (String key : SecretKeys.NAMES) {
            assertTrue(text.contains(" " + key.substring(key.indexOf('.') + 1) + "=<redacted>"), key + ": " + text);
        }
        String empty = loader.defaults().describe();
        assertTrue(empty.contains("auth: hmacSecret=<none> hmacSecretPrevious=<none>"), empty);
        assertTrue(empty.contains(" keyPassword=<none> "), empty);
        assertTrue(empty.contains("admin: key=<none: admin API off>"), empty);
    }

    @Test
    void everyKeyNamedLikeASecretIsASecretKey() {
        List<String> unlisted = new ArrayList<>();
        for (String key : loader.keys()) {
            String name = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            boolean secretName = name.contains("secret") || name.contains("password") || name.equals("key")
                    || name.endsWith("token");
            if (secretName && !SecretKeys.NAMES.contains(key)) {
                unlisted.add(key);
            }
        }
        assertEquals(List.of(), unlisted, "add them to SecretKeys.NAMES, so that the startup log never shows them");
        assertTrue(loader.keys().containsAll(SecretKeys.NAMES), SecretKeys.NAMES::toString);
    }

    /** Every {@code section.name} in a description. */
    private static List<String> describedKeys(String text) {
        List<String> keys = new ArrayList<>();
        text.lines().forEach(line -> {
            String section = line.substring(0, line.indexOf(':'));
            Matcher name = KEY_NAME.matcher(line.substring(section.length() + 1));
            while (name.find()) {
                keys.add(section + "." + name.group(1));
            }
        });
        return keys;
    }
}
