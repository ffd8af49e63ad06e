package io.crier.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads the golden files under {@code src/test/resources/golden}. */
final class Golden {

    private Golden() {
    }

    /** The bytes of golden file {@code name} (such as {@code reply/ok.json}), minus one trailing newline. */
    static byte[] bytes(String name) {
        return resource("/golden/" + name);
    }

    /** The bytes of the test resource at {@code path} (such as {@code /proxy-hooks/error.json}), minus one trailing newline. */
    static byte[] resource(String path) {
        try (InputStream in = Golden.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + path);
            }
            byte[] all = in.readAllBytes();
            int length = all.length > 0 && all[all.length - 1] == '\n' ? all.length - 1 : all.length;
            return Arrays.copyOf(all, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every golden file's name, relative to the golden folder, with {@code /} separators. */
    static Set<String> allNames() throws IOException, URISyntaxException {
        URL root = Golden.class.getResource("/golden");
        Path dir = Path.of(root.toURI());
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .forEach(file -> names.add(dir.relativize(file).toString().replace('\\', '/')));
        }
        return names;
    }
}
