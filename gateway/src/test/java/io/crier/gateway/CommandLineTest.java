package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @Test
    void takesNothingOrAConfigFileInEitherSpelling() {
        assertEquals(new CommandLine(null, false, null), CommandLine.parse(new String[0]));
        assertEquals(new CommandLine(Path.of("a.properties"), false, null),
                CommandLine.parse(new String[] {"--config", "a.properties"}));
        assertEquals(new CommandLine(Path.of("b.properties"), false, null),
                CommandLine.parse(new String[] {"--config=b.properties"}));
        assertTrue(CommandLine.parse(new String[] {"--help"}).help());
        assertTrue(CommandLine.parse(new String[] {"-h"}).help());
    }

    @Test
    void aFlagNamedLikeAKeyIsAnsweredWithTheVariablesThatSetIt() {
        assertEquals("unknown argument --port=9000: the node takes only --config FILE. To set server.port or tls.port,"
                + " use CRIER_SERVER_PORT=9000 or CRIER_TLS_PORT=9000 (or the key in the --config file).",
                CommandLine.parse(new String[] {"--port=9000"}).error());
        assertEquals("unknown argument --server.port: the node takes only --config FILE. To set server.port, use"
                + " CRIER_SERVER_PORT=... (or the key in the --config file).",
                CommandLine.parse(new String[] {"--server.port"}).error());
        assertEquals("unknown argument --hmac-secret=x: the node takes only --config FILE. To set auth.hmacSecret,"
                + " use CRIER_AUTH_HMAC_SECRET=x (or the key in the --config file).",
                CommandLine.parse(new String[] {"--hmac-secret=x"}).error());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--verbose", "-x", "serve", "--", "--=1"})
    void anyOtherArgumentIsNamedWithoutAGuess(String arg) {
        CommandLine line = CommandLine.parse(new String[] {arg});
        assertEquals("unknown argument " + arg + ": the node takes only --config FILE.", line.error());
        assertNull(line.configFile());
    }

    @Test
    void aConfigWithoutAFileOrWithMoreArgumentsIsAMistake() {
        assertEquals("--config needs exactly one FILE", CommandLine.parse(new String[] {"--config"}).error());
        assertEquals("--config needs exactly one FILE", CommandLine.parse(new String[] {"--config="}).error());
        assertEquals("unknown argument --port: the node takes only --config FILE. To set server.port or tls.port,"
                + " use CRIER_SERVER_PORT=... or CRIER_TLS_PORT=... (or the key in the --config file).",
                CommandLine.parse(new String[] {"--config", "a.properties", "--port"}).error());
    }
}
