package io.gproxy.transform.pairs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

/**
 * Golden fixtures for the 12 ordered protocol pairs (DESIGN §4), one case per file under
 * {@code src/test/resources/transform/pairs/<from>_to_<to>/}:
 * <ul>
 *   <li>{@code request*.in.json}: a client request in {@code from}'s protocol, converted as the pipeline does
 *   (decode with {@code from}, set the upstream model, encode with {@code to}); {@code .out.json} is the upstream
 *   body, or {@code .error.txt} the refusal (422) message. {@code .model.txt} overrides the upstream model.</li>
 *   <li>{@code response*.in.json}: an upstream answer in {@code from}'s protocol, decoded with {@code from} and
 *   encoded for a {@code to} client.</li>
 *   <li>{@code stream*.in.sse}: an upstream SSE stream in {@code from}'s protocol through {@code StreamTranscoder}
 *   to a {@code to} client, fed whole, byte by byte and in seeded random chunk sizes (all must agree), and checked
 *   against the target protocol's stream invariants ({@link StreamInvariants}).</li>
 * </ul>
 * {@code <case>.loss.txt} holds the expected {@code x-gproxy-conversion-loss} value; without it nothing may be
 * dropped. The clock is fixed ({@code TransformContext(1700000000, new LossReport())}).
 *
 * <p>Regenerate outputs with
 * {@code mvn -pl shared test -Dtest=PairGoldenTest -Dgolden.update=true}, then review every diff against the target
 * provider's published format before committing: an update makes whatever the codecs do now the expected result.
 */
class PairGoldenTest {

    static Stream<GoldenCase> cases() {
        return GoldenRunner.pairCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void golden(GoldenCase c) throws IOException {
        GoldenRunner.run(c);
    }
}
