package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    private static final String BEFORE = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         83208        6304224  [B (java.base@17.0.15)
               2:         100          6400  io.netty.channel.DefaultChannelHandlerContext
               3:         10           240  java.lang.String (java.base@17.0.15)
            Total        83318        6310864
            """;

    private static final String AFTER = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         83208        6304224  [B (java.base@17.0.15)
               2:         1400         89600  io.netty.channel.DefaultChannelHandlerContext
               3:         110          2640  java.lang.String (java.base@17.0.15)
               4:         100          6400  io.crier.gateway.session.Session
            Total        84818        6402864
            """;

    @Test
    void dividesEachClassGrowthByTheConnectionsLargestFirst() {
        List<ClassHistogram.Growth> growth = ClassHistogram.parse(AFTER)
                .growthSince(ClassHistogram.parse(BEFORE), 100, 3);

        assertEquals(List.of(
                new ClassHistogram.Growth("io.netty.channel.DefaultChannelHandlerContext", 13, 832),
                new ClassHistogram.Growth("io.crier.gateway.session.Session", 1, 64),
                new ClassHistogram.Growth("java.lang.String", 1, 24)), growth);
    }

    @Test
    void theTotalCountsEveryClassAndTheTableEndsWithItsRows() {
        ClassHistogram after = ClassHistogram.parse(AFTER);
        ClassHistogram before = ClassHistogram.parse(BEFORE);

        assertEquals(920.0, after.totalGrowthSince(before, 100));
        String table = ClassHistogram.table(after.growthSince(before, 100, 2));
        assertTrue(table.contains("| io.crier.gateway.session.Session | 1.00 | 64 |"), table);
        assertTrue(table.endsWith("| (these rows) | | 896 |" + System.lineSeparator()), table);
    }
}
