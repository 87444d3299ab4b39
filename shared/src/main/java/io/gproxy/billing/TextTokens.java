package io.gproxy.billing;

/**
 * A tokenizer-free token estimate for text, used only when no usage was reported (usage_source {@code estimated}):
 * about four ASCII characters per token, one token per other code point (CJK and most non-Latin scripts come out
 * near one token per character). Accumulates text piece by piece.
 */
public final class TextTokens {
    private long ascii;
    private long other;

    public static long estimate(CharSequence text) {
        return new TextTokens().add(text).tokens();
    }

    public synchronized TextTokens add(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128) {
                ascii++;
            } else if (!Character.isLowSurrogate(c)) {
                other++;
            }
        }
        return this;
    }

    /** Raw bytes of unknown structure, counted as ASCII characters (an over-estimate for JSON framing). */
    public synchronized TextTokens addBytes(long n) {
        ascii += n;
        return this;
    }

    public synchronized long tokens() {
        return (ascii + 3) / 4 + other;
    }
}
