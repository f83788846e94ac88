/** Spring Boot Actuator integration: the coordinator's health (quorum) and the {@code fedlink} endpoint. */
package io.fedlink.actuate;
