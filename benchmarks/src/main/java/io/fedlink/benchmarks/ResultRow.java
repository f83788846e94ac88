package io.fedlink.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One figure of the report: fedlink's value next to its baseline measured in the same run.
 *
 * @param figure       which figure ("1 round trip", ...)
 * @param setting      what was measured under ("K=16, 16 connections", ...)
 * @param metric       what the numbers are, with their unit ("rounds/s", ...)
 * @param fedlink      fedlink's value, or {@code null} if it could not be measured
 * @param baselineName what the baseline is ("raw", "copy", "keep-all"), or {@code null} for none
 * @param baseline     the baseline's value, or {@code null}
 * @param ratio        the ratio the target is stated in (usually fedlink / baseline), or {@code null}
 * @param target       the target in words ("ratio >= 0.8"), or {@code null} if none applies
 * @param met          whether the target was met, {@code null} if there is no target or no value
 * @param note         anything a reader needs to interpret the row, or {@code null}
 */
record ResultRow(String figure, String setting, String metric, Double fedlink, String baselineName, Double baseline,
                 Double ratio, String target, Boolean met, String note) {

    /** The row as a JSON object. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("figure", figure);
        json.put("setting", setting);
        json.put("metric", metric);
        json.put("fedlink", fedlink);
        json.put("baseline_name", baselineName);
        json.put("baseline", baseline);
        json.put("ratio", ratio);
        json.put("target", target);
        json.put("met", met);
        json.put("note", note);
        return json;
    }

    /** {@code numerator / denominator}, or {@code null} when either is missing or the denominator is zero. */
    static Double ratio(Double numerator, Double denominator) {
        if (numerator == null || denominator == null || denominator == 0) {
            return null;
        }
        return numerator / denominator;
    }
}
