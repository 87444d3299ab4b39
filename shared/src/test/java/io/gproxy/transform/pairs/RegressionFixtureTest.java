package io.gproxy.transform.pairs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

/**
 * Named regression fixtures for the conversion bugs users of other gateways hit (spec/peers.md §C) and the
 * edge-case checklist (spec/surface.md §8), under {@code src/test/resources/transform/regressions/}, one case per
 * {@code <bug>.<from>_to_<to>.<request|response|stream>.in.*} with the same companion files and checks as
 * {@link PairGoldenTest} (whose comment explains {@code -Dgolden.update=true}). The test name is the bug;
 * {@code regressions/README.md} says what each fixture proves and where the bug was reported.
 */
class RegressionFixtureTest {

    static Stream<GoldenCase> cases() {
        return GoldenRunner.regressionCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void regression(GoldenCase c) throws IOException {
        GoldenRunner.run(c);
    }
}
