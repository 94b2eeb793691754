"""Replays a dataset's transitions in gymnasium's MuJoCo environment and reports how far the recorded next
observation and reward are from gymnasium's: a check, outside this package, that a file is aligned
((s, a) → r, s' on one row) and that our simulator matches gymnasium's.

    /tmp/xcheck/bin/python scripts/diagnostics/replay_check.py --data datasets/halfcheetah-medium.hdf5

HalfCheetah only: its observation omits the x position, which does not affect the dynamics, so the state
can be set exactly from an observation (qpos = [0, obs[:8]], qvel = obs[8:]).
"""
import argparse

import gymnasium as gym
import h5py
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    with h5py.File(args.data, "r") as f:
        n = args.rows
        obs, act, rew, nxt = (f[k][:n] for k in ("observations", "actions", "rewards", "next_observations"))
        saturated = (np.abs(f["actions"][:]) > 0.95).mean()
    env = gym.make("HalfCheetah-v4").unwrapped
    env.reset(seed=0)
    next_errors, reward_errors, shifted_errors = [], [], []
    for i in range(1, n):
        env.set_state(np.r_[0.0, obs[i, :8]], obs[i, 8:])
        o, r, *_ = env.step(act[i])
        next_errors.append(np.abs(o - nxt[i]).max())
        reward_errors.append(abs(r - rew[i]))
        shifted_errors.append(abs(r - rew[i - 1]))
    print(f"next observation: max |error| {np.max(next_errors):.2e}, median {np.median(next_errors):.2e}")
    print(f"reward: median |error| {np.median(reward_errors):.2e} (against the previous row's reward: "
          f"{np.median(shifted_errors):.2e})")
    print(f"action entries with |a| > 0.95: {saturated:.1%}")


if __name__ == "__main__":
    main()
