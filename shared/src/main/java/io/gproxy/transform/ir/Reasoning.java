package io.gproxy.transform.ir;

/**
 * Reasoning configuration, in the union of what the protocols express (spec/surface.md §4.8).
 *
 * @param mode         DISABLED, ENABLED (with a budget) or ADAPTIVE (the model decides); null when unset
 * @param effort       OpenAI-style effort: {@code none|minimal|low|medium|high|xhigh}; null when unset
 * @param budgetTokens Claude {@code budget_tokens} / Gemini {@code thinkingBudget}; null when unset
 * @param includeThoughts Gemini {@code includeThoughts} / whether reasoning text is returned; null when unset
 * @param verbosity    OpenAI {@code verbosity} ({@code low|medium|high}); null when unset
 */
public record Reasoning(Mode mode, String effort, Integer budgetTokens, Boolean includeThoughts, String verbosity) {
    public enum Mode {
        DISABLED,
        ENABLED,
        ADAPTIVE
    }
}
