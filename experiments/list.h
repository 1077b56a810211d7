/* Every experiment procsim knows, one X(symbol) line each, in `procsim list` order.
 * Each symbol is a `const exp_experiment` defined in its own model file. */
/* guide examples (experiments/guide) */
/* queueing models with analytic answers (experiments/queueing) */
/* classic models (experiments/classic) */
