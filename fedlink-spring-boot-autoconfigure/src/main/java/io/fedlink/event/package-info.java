/** Spring application events for client lifecycle and training rounds, for {@code @EventListener} methods. */
package io.fedlink.event;
