/* The coffee-bar experiment (cafe.c), for a program that links it in (cafesim.c). */
#ifndef CAFE_H
#define CAFE_H

#include <procsim/procsim.h>

extern const exp_experiment exp_cafe;

#endif
