/**
 * Keras 3's optimizers (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta), clipping, weight decay and
 * learning-rate schedules, as graph update ops. One base class; subclasses add slots and rules.
 */
package org.kerasbridge.optimizers;
