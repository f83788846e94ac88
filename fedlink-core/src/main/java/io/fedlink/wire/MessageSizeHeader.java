package io.fedlink.wire;

import io.grpc.Metadata;

/**
 * The {@value #NAME} header: each fedlink side announces the largest message it accepts, so the other side can
 * refuse an oversized message before sending it, with an error naming the setting to raise. Peers that do not send
 * it (stock Flower) are simply not pre-checked.
 */
public final class MessageSizeHeader {

    public static final String NAME = "fedlink-max-message-size";

    /** Flower's message limit, fedlink's default on both sides: 512 MiB (grpc-java's own 4 MiB is far too small for models). */
    public static final int DEFAULT_LIMIT = 512 * 1024 * 1024;

    public static final Metadata.Key<String> KEY = Metadata.Key.of(NAME, Metadata.ASCII_STRING_MARSHALLER);

    private MessageSizeHeader() {
    }

    /** The announced limit in {@code headers}, or {@code null} if absent or malformed. */
    public static Integer read(Metadata headers) {
        String value = headers == null ? null : headers.get(KEY);
        if (value == null) {
            return null;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            return limit > 0 ? limit : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Headers announcing {@code limit}. */
    public static Metadata of(int limit) {
        Metadata headers = new Metadata();
        headers.put(KEY, Integer.toString(limit));
        return headers;
    }
}
