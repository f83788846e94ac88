/** Separate processes for tests: JVMs (Spring Boot jars, main classes), Debian's Python with Flower stubs, commands. */
package io.fedlink.test.process;
