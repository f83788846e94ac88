/**
 * Tensors on the wire: {@link io.fedlink.tensor.NdArray} and the NumPy {@code .npy} codec
 * ({@link io.fedlink.tensor.Npy}, {@link io.fedlink.tensor.ParametersCodec}), pure Java, byte-compatible with NumPy.
 */
package io.fedlink.tensor;
