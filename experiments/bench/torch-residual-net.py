"""The kit's residual black box (lib/classifiers/residual-net.ts) in PyTorch,
timed the way experiments/bench/bench-models.ts times the kit's: images/s of
inference, of one Adam training step on softmax cross-entropy, and of the
input gradient of one class's log-probability, on a fixed random batch of
64x64x3 images. Both of PyTorch's memory layouts are measured: NCHW
(contiguous) and NHWC (channels_last, what oneDNN prefers).

Prints one JSON object per layout. Run by experiments/bench/bench-cores.ts;
by hand: python3 experiments/bench/torch-residual-net.py --threads 2
Needs Debian's python3-torch.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# (channels, residual blocks) per stage after the stem, as in the kit's net.
STAGES = [(48, 1), (96, 2), (192, 2)]
STEM_CHANNELS = 24


class ResidualBlock(nn.Module):
    """relu(x' + conv_b(relu(conv_a(x)))), x' = x or a strided 1x1 projection."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv_a = nn.Conv2d(cin, cout, 3, stride, 1)
        self.conv_b = nn.Conv2d(cout, cout, 3, 1, 1)
        self.project = None if stride == 1 and cin == cout else nn.Conv2d(cin, cout, 1, stride)

    def forward(self, x):
        branch = self.conv_b(F.relu(self.conv_a(x)))
        shortcut = x if self.project is None else self.project(x)
        return F.relu(shortcut + branch)


class ResidualNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, STEM_CHANNELS, 3, 2, 1)
        blocks, cin = [], STEM_CHANNELS
        for cout, count in STAGES:
            for b in range(count):
                blocks.append(ResidualBlock(cin, cout, 2 if b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.logits = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.stem(x)))
        return self.logits(x.mean((2, 3)))


def images_per_second(step, batch, seconds):
    """Runs `step` once to warm up, then for `seconds`; returns images/s."""
    step()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        count += 1
    return count * batch / (time.perf_counter() - start)


def measure(layout, batch, seconds):
    torch.manual_seed(0)
    net = ResidualNet()
    images = torch.rand(batch, 3, 64, 64)
    labels = torch.arange(batch) % 10
    if layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

    def inference():
        with torch.no_grad():
            net(images)

    def train_step():
        optimizer.zero_grad()
        F.cross_entropy(net(images), labels).backward()
        optimizer.step()

    def input_gradient():
        x = images.detach().requires_grad_(True)
        log_p = torch.log_softmax(net(x), 1)
        torch.autograd.grad(log_p.gather(1, labels[:, None]).sum(), x)

    return {
        "system": "pytorch",
        "layout": layout,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "params": sum(p.numel() for p in net.parameters()),
        "inferenceImagesPerSec": images_per_second(inference, batch, seconds),
        "trainStepImagesPerSec": images_per_second(train_step, batch, seconds),
        "inputGradientImagesPerSec": images_per_second(input_gradient, batch, seconds),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for layout in ["contiguous", "channels_last"]:
        print(json.dumps(measure(layout, args.batch, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
