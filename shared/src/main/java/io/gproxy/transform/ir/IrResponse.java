package io.gproxy.transform.ir;

import java.util.List;

/**
 * A complete (non-stream) answer in the IR.
 *
 * @param content reasoning, text, refusal and tool-call blocks in output order
 * @param finish  null when the upstream gave none
 * @param usage   never null ({@link Usage#EMPTY} when unreported)
 * @param createdEpochSeconds creation time where the protocol carries one; 0 when unknown
 */
public record IrResponse(String id, String model, List<Content> content, FinishReason finish, Usage usage,
                         long createdEpochSeconds) {
    public IrResponse {
        content = content == null ? List.of() : List.copyOf(content);
        usage = usage == null ? Usage.EMPTY : usage;
    }
}
