package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTests {

    @Test
    void writesNestedObjectsAndArraysInInsertionOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 2);
        inner.put("a", List.of(true, "x"));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("z", inner);
        outer.put("empty", List.of());
        outer.put("none", null);

        assertThat(Json.write(outer)).isEqualTo("""
                {
                  "z": {
                    "b": 2,
                    "a": [
                      true,
                      "x"
                    ]
                  },
                  "empty": [],
                  "none": null
                }
                """);
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write("say \"hi\"\\\n\t\u0001")).isEqualTo("\"say \\\"hi\\\"\\\\\\n\\t\\u0001\"\n");
    }

    @Test
    void writesWholeDoublesWithoutAFractionAndNonFiniteAsNull() {
        assertThat(Json.write(Arrays.asList(3.0, 0.25, Double.NaN, Double.POSITIVE_INFINITY, 7L)))
                .isEqualTo("[\n  3,\n  0.25,\n  null,\n  null,\n  7\n]\n");
    }

    @Test
    void refusesTypesItCannotRepresent() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }
}
