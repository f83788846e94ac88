/** Wire helpers both sides share: instruction/reply pairing, in-band status, the message-size header. */
package io.fedlink.wire;
