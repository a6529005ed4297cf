package io.github.wecomkit.callback;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Copies and describes the field maps of callback events. */
final class Fields {
    private Fields() {
    }

    /** An unmodifiable copy that keeps document order, which {@code Map.copyOf} would lose. */
    static Map<String, String> copy(Map<String, String> fields) {
        Objects.requireNonNull(fields, "fields == null");
        Map<String, String> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "field name == null"),
                Objects.requireNonNull(value, () -> "field " + name + " == null")));
        return Collections.unmodifiableMap(copy);
    }

    /** The field names only: values may carry tickets, auth codes or message text. */
    static String names(Map<String, String> fields) {
        return fields.keySet().toString();
    }
}
