package io.gproxy.transform.ir;

import java.util.List;

/** Sampling and length parameters; null means "not set" (the target's default applies). */
public record Generation(Integer maxTokens, Double temperature, Double topP, Integer topK, List<String> stop,
                         Long seed, Double presencePenalty, Double frequencyPenalty, Integer candidateCount) {

    public static final Generation NONE = new Generation(null, null, null, null, null, null, null, null, null);

    public Generation withMaxTokens(Integer max) {
        return new Generation(max, temperature, topP, topK, stop, seed, presencePenalty, frequencyPenalty, candidateCount);
    }
}
