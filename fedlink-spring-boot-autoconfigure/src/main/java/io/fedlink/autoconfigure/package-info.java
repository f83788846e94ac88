/** Spring Boot auto-configuration of the fedlink coordinator and client from {@code fedlink.*} properties. */
package io.fedlink.autoconfigure;
