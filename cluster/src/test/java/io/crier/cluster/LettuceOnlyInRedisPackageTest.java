package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rule of the Redis layer, checked on the sources of every module: Lettuce is imported only in
 * {@code io.crier.cluster.redis}, so that the seams, the in-memory implementations, the gateway and the tools
 * cannot come to depend on it.
 */
class LettuceOnlyInRedisPackageTest {

    @Test
    void onlyTheRedisPackageImportsLettuce() throws IOException {
        Path modules = Path.of("").toAbsolutePath().getParent();
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("protocol", "cluster", "gateway", "loadtest")) {
            Path sources = modules.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    boolean redisPackage = file.toString().contains("/io/crier/cluster/redis/");
                    if (!redisPackage && Files.readString(file, StandardCharsets.UTF_8).contains("import io.lettuce")) {
                        offenders.add(modules.relativize(file).toString());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "Lettuce imported outside io.crier.cluster.redis");
    }
}
