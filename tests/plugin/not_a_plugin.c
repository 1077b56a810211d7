/* A shared object with no procsim_plugin symbol: the loader must say it is not a plugin. */
int not_a_plugin_answer(void);

int not_a_plugin_answer(void) { return 42; }
