package org.kerasbridge.builder;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras layers for the builder API, with Keras 3's defaults written out (initializers, use_bias,
 * padding, ...), so that what is built is exactly the Keras layer of the same call:
 * {@code Layers.dense(32).optActivation("relu")} is {@code keras.layers.Dense(32,
 * activation="relu")}.
 */
public final class Layers {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Layers() {}

  private static ObjectNode cfg() {
    ObjectNode c = F.objectNode();
    c.put("trainable", true);
    c.put("dtype", "float32");
    return c;
  }

  /** {@code keras.Input(shape=shape)}: the batch dimension is free; -1 marks another None. */
  public static LayerSpec input(long... shape) {
    long[] batch = new long[shape.length + 1];
    batch[0] = -1;
    System.arraycopy(shape, 0, batch, 1, shape.length);
    return inputWithBatch(batch);
  }

  /** {@code keras.Input(batch_shape=batchShape)}: a fixed batch size (stateful RNNs). */
  public static LayerSpec inputWithBatch(long... batchShape) {
    ObjectNode c = F.objectNode();
    c.set("batch_shape", LayerSpec.toNode(batchShape));
    c.put("dtype", "float32");
    c.put("sparse", false);
    return new LayerSpec("InputLayer", c);
  }

  public static LayerSpec dense(int units) {
    ObjectNode c = cfg();
    c.put("units", units);
    c.put("activation", "linear");
    c.put("use_bias", true);
    c.put("kernel_initializer", "glorot_uniform");
    c.put("bias_initializer", "zeros");
    return new LayerSpec("Dense", c);
  }

  public static LayerSpec activation(String name) {
    ObjectNode c = cfg();
    c.put("activation", name);
    return new LayerSpec("Activation", c);
  }

  public static LayerSpec dropout(double rate) {
    ObjectNode c = cfg();
    c.put("rate", rate);
    return new LayerSpec("Dropout", c);
  }

  public static LayerSpec flatten() {
    return new LayerSpec("Flatten", cfg());
  }

  public static LayerSpec reshape(int... targetShape) {
    ObjectNode c = cfg();
    c.set("target_shape", LayerSpec.toNode(targetShape));
    return new LayerSpec("Reshape", c);
  }

  /** {@code Conv2D(filters, kernel_size)}: valid padding, stride 1, channels_last. */
  public static LayerSpec conv2d(int filters, int... kernelSize) {
    ObjectNode c = cfg();
    c.put("filters", filters);
    c.set("kernel_size", LayerSpec.toNode(kernelSize.length == 1
        ? new int[] {kernelSize[0], kernelSize[0]} : kernelSize));
    c.set("strides", LayerSpec.toNode(new int[] {1, 1}));
    c.put("padding", "valid");
    c.put("data_format", "channels_last");
    c.set("dilation_rate", LayerSpec.toNode(new int[] {1, 1}));
    c.put("groups", 1);
    c.put("activation", "linear");
    c.put("use_bias", true);
    c.put("kernel_initializer", "glorot_uniform");
    c.put("bias_initializer", "zeros");
    return new LayerSpec("Conv2D", c);
  }

  /** {@code MaxPooling2D(pool_size)}: strides default to the pool size, valid padding. */
  public static LayerSpec maxPooling2d(int... poolSize) {
    ObjectNode c = cfg();
    int[] p = poolSize.length == 1 ? new int[] {poolSize[0], poolSize[0]} : poolSize;
    c.set("pool_size", LayerSpec.toNode(p));
    c.set("strides", LayerSpec.toNode(p));
    c.put("padding", "valid");
    c.put("data_format", "channels_last");
    return new LayerSpec("MaxPooling2D", c);
  }

  public static LayerSpec simpleRnn(int units) {
    ObjectNode c = rnn(units);
    c.put("activation", "tanh");
    return new LayerSpec("SimpleRNN", c);
  }

  public static LayerSpec lstm(int units) {
    ObjectNode c = rnn(units);
    c.put("activation", "tanh");
    c.put("recurrent_activation", "sigmoid");
    c.put("unit_forget_bias", true);
    return new LayerSpec("LSTM", c);
  }

  public static LayerSpec gru(int units) {
    ObjectNode c = rnn(units);
    c.put("activation", "tanh");
    c.put("recurrent_activation", "sigmoid");
    c.put("reset_after", true);
    return new LayerSpec("GRU", c);
  }

  private static ObjectNode rnn(int units) {
    ObjectNode c = cfg();
    c.put("units", units);
    c.put("use_bias", true);
    c.put("kernel_initializer", "glorot_uniform");
    c.put("recurrent_initializer", "orthogonal");
    c.put("bias_initializer", "zeros");
    c.put("return_sequences", false);
    c.put("return_state", false);
    c.put("go_backwards", false);
    c.put("stateful", false);
    c.put("unroll", false);
    return c;
  }

  /** {@code TimeDistributed(layer)}. */
  public static LayerSpec timeDistributed(LayerSpec layer) {
    ObjectNode c = cfg();
    c.set("layer", layer.toLayerNode());
    return new LayerSpec("TimeDistributed", c, layer);
  }

  /** Any other Keras layer by class name, configured with {@link LayerSpec#set}. */
  public static LayerSpec of(String className) {
    return new LayerSpec(className, cfg());
  }
}
