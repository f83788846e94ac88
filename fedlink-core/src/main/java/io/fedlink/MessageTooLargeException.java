package io.fedlink;

/**
 * A message was not sent because it is larger than the receiving side accepts. The stream stays open: send
 * something smaller, or raise the limit named in the message on the receiving side.
 */
public class MessageTooLargeException extends FedlinkException {

    private final long size;
    private final long limit;

    public MessageTooLargeException(String message, long size, long limit) {
        super(message);
        this.size = size;
        this.limit = limit;
    }

    /** Serialized size of the refused message, in bytes. */
    public long size() {
        return size;
    }

    /** The receiver's limit, in bytes. */
    public long limit() {
        return limit;
    }
}
