"""An outside check on a dataset, independent of this package: TD3+BC (Fujimoto & Gu 2021) and plain
behaviour cloning in PyTorch, evaluated in gymnasium's MuJoCo environment.

It answers "is it the Swift code or the data?": if PyTorch TD3+BC fails on a file where behaviour cloning
works, the file is hard for Q-driven offline RL, whatever our trainer does. docs/results.md reports its runs.

    python3 -m venv /tmp/xcheck && /tmp/xcheck/bin/pip install torch numpy h5py "gymnasium[mujoco]"
    /tmp/xcheck/bin/python scripts/diagnostics/td3bc_crosscheck.py --data datasets/halfcheetah-medium.hdf5 \
        --env HalfCheetah-v4 --alpha 2.5 --steps 30000          # --alpha 0 is behaviour cloning

Recipe: states z-scored, raw rewards, 2×256 ReLU networks, Adam 3e-4, batch 256, γ 0.99, τ 0.005, policy
delay 2, target smoothing N(0, 0.2) clipped to ±0.5, actor loss −α·Q/mean|Q| + MSE(π(s), a). Prints the
D4RL-normalised score of 2 deterministic episodes every --every steps.
"""
import argparse

import gymnasium as gym
import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# D4RL reference returns (random, expert) for normalised scores.
REFERENCE = {"HalfCheetah-v4": (-280.178953, 12135.0), "Hopper-v4": (-20.272305, 3234.3),
             "Walker2d-v4": (1.629008, 4592.3)}


def load(path):
    """Transitions of a D4RL-layout file, timeout rows dropped (as the Swift loader does)."""
    with h5py.File(path, "r") as f:
        keep = ~f["timeouts"][:].astype(bool)
        columns = [f[k][:][keep].astype(np.float32)
                   for k in ("observations", "actions", "rewards", "next_observations", "terminals")]
    return columns


def mlp(inputs, outputs):
    return nn.Sequential(nn.Linear(inputs, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, outputs))


def soft_update(net, target, tau=0.005):
    with torch.no_grad():
        for p, t in zip(net.parameters(), target.parameters()):
            t.mul_(1 - tau).add_(tau * p)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--env", default="HalfCheetah-v4", choices=sorted(REFERENCE))
    parser.add_argument("--alpha", type=float, default=2.5, help="0 gives behaviour cloning")
    parser.add_argument("--steps", type=int, default=30000)
    parser.add_argument("--every", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    s, a, r, s2, d = load(args.data)
    mean, std = s.mean(0), s.std(0) + 1e-3
    s, s2 = (s - mean) / std, (s2 - mean) / std
    s, a, r, s2, d = (torch.tensor(x) for x in (s, a, r[:, None], s2, d[:, None]))
    obs_dim, act_dim = s.shape[1], a.shape[1]

    actor, q1, q2 = mlp(obs_dim, act_dim), mlp(obs_dim + act_dim, 1), mlp(obs_dim + act_dim, 1)
    actor_t, q1_t, q2_t = mlp(obs_dim, act_dim), mlp(obs_dim + act_dim, 1), mlp(obs_dim + act_dim, 1)
    for net, target in ((actor, actor_t), (q1, q1_t), (q2, q2_t)):
        target.load_state_dict(net.state_dict())
    actor_opt = torch.optim.Adam(actor.parameters(), 3e-4)
    critic_opt = torch.optim.Adam(list(q1.parameters()) + list(q2.parameters()), 3e-4)
    policy = lambda net, x: torch.tanh(net(x))

    env = gym.make(args.env)
    low, high = REFERENCE[args.env]

    def evaluate(episodes=2):
        returns = []
        for episode in range(episodes):
            o, _ = env.reset(seed=episode)
            total, done = 0.0, False
            while not done:
                with torch.no_grad():
                    action = policy(actor, torch.tensor((o - mean) / std, dtype=torch.float32)).numpy()
                o, reward, terminated, truncated, _ = env.step(action)
                total += reward
                done = terminated or truncated
            returns.append(total)
        return (np.mean(returns) - low) / (high - low) * 100

    for step in range(1, args.steps + 1):
        i = torch.randint(0, s.shape[0], (256,))
        with torch.no_grad():
            noise = (0.2 * torch.randn_like(a[i])).clamp(-0.5, 0.5)
            a2 = (policy(actor_t, s2[i]) + noise).clamp(-1, 1)
            x2 = torch.cat([s2[i], a2], 1)
            y = r[i] + 0.99 * (1 - d[i]) * torch.min(q1_t(x2), q2_t(x2))
        x = torch.cat([s[i], a[i]], 1)
        critic_loss = F.mse_loss(q1(x), y) + F.mse_loss(q2(x), y)
        critic_opt.zero_grad()
        critic_loss.backward()
        critic_opt.step()
        if step % 2 == 0:
            pi = policy(actor, s[i])
            q = q1(torch.cat([s[i], pi], 1))
            actor_loss = -args.alpha / q.abs().mean().detach() * q.mean() + F.mse_loss(pi, a[i])
            actor_opt.zero_grad()
            actor_loss.backward()
            actor_opt.step()
            for net, target in ((actor, actor_t), (q1, q1_t), (q2, q2_t)):
                soft_update(net, target)
        if step % args.every == 0:
            print(f"step {step}  Q {q.mean().item():.1f}  score {evaluate():.1f}", flush=True)


if __name__ == "__main__":
    main()
