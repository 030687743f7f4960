/**
 * Models as users hold them: {@link org.kerasbridge.model.InferenceModel} for running any loaded
 * model, and (with the layers) Sequential and Functional models with compile, fit, evaluate and
 * predict.
 */
package org.kerasbridge.model;
