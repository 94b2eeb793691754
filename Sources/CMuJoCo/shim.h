#pragma once
#include <mujoco/mujoco.h>
