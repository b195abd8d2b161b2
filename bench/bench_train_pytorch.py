#!/usr/bin/python3
"""Reference for bench_train_speed: trains the same compact CNN on the same faces-dev images with
PyTorch in Python, the usual way (Dataset + DataLoader + torchvision transforms, images decoded and
resized once up front so that only augmentation runs per epoch, as in Exemplar), and prints the
training throughput as its last line: `images_per_second: X`.

Run with Debian's interpreter (/usr/bin/python3; python3-torch, python3-torchvision)."""
import argparse
import csv
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler
from torchvision import transforms


class CompactNet(nn.Module):
    """Same as Exemplar's "compact" network: blocks of conv3x3-BN-ReLU + 2x2 max-pool, global
    average pool, dropout, linear; inputs normalised inside."""

    def __init__(self, classes, width=32, depth=4, dropout=0.3, in_channels=1):
        super().__init__()
        layers, c = [], in_channels
        for b in range(depth):
            out = min(256, width << b)
            layers += [nn.Conv2d(c, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c = out
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        x = (x - 0.5) / 0.25
        x = F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)
        return self.classifier(self.dropout(x))


class Faces(Dataset):
    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), self.labels[i]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--faces-dev", required=True)
    p.add_argument("--classes", default="happiness,sadness,anger,surprise")
    p.add_argument("--column", default="expression")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--limit", type=int, default=0, help="use at most this many images")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--workers", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)

    classes = a.classes.split(",")
    images, labels = [], []
    with open(os.path.join(a.faces_dev, "labels.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row[a.column] in classes:
                img = Image.open(os.path.join(a.faces_dev, "images", row["file"])).convert("L")
                side = min(img.size)
                left, top = (img.width - side) // 2, (img.height - side) // 2
                img = img.crop((left, top, left + side, top + side)).resize((a.size, a.size), Image.BILINEAR)
                images.append(img)
                labels.append(classes.index(row[a.column]))
                if a.limit and len(images) >= a.limit:
                    break

    augment = transforms.Compose([
        transforms.RandomHorizontalFlip(),
        transforms.RandomAffine(degrees=12, translate=(0.08, 0.08), scale=(0.9, 1.1)),
        transforms.ColorJitter(brightness=0.2, contrast=0.2),
        transforms.ToTensor(),
        transforms.RandomErasing(p=0.25, scale=(0.02, 0.2), value="random"),
    ])
    counts = [labels.count(c) for c in range(len(classes))]
    weights = [1.0 / counts[l] for l in labels]
    sampler = WeightedRandomSampler(weights, num_samples=len(labels), replacement=True)
    loader = DataLoader(Faces(images, labels, augment), batch_size=a.batch, sampler=sampler,
                        num_workers=a.workers, drop_last=True)
    model = CompactNet(len(classes))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    rates = []
    for epoch in range(a.epochs):
        model.train()
        seen, start = 0, time.perf_counter()
        for x, y in loader:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            seen += x.shape[0]
        rate = seen / (time.perf_counter() - start)
        rates.append(rate)
        print(f"epoch {epoch + 1}: {seen} images, {rate:.1f} images/s, loss {loss.item():.3f}", flush=True)
    # The first epoch includes warm-up (allocator, oneDNN kernels): report the later ones when any.
    steady = rates[1:] or rates
    print(f"images_per_second: {sum(steady) / len(steady):.2f}")


if __name__ == "__main__":
    main()
