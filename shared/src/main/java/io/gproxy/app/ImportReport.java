package io.gproxy.app;

import java.util.List;
import java.util.Map;

/**
 * What an import wrote.
 *
 * @param counts          entities written per bundle key
 * @param seededRoutingRules routing rules added from channel defaults for providers that had none
 * @param warnings        ignored unknown fields and sections
 */
public record ImportReport(Map<String, Integer> counts, int seededRoutingRules, List<String> warnings) {
}
