"""The whole training loop in a dozen lines: what ``dlnotes.train.Trainer`` grows from."""

# --8<-- [start:minimal_loop]
import torch


def train(model, optimizer, loss_fn, train_loader, epochs, device="cpu"):
    model.to(device)
    for _ in range(epochs):
        model.train()  # dropout on, BatchNorm uses batch statistics
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = loss_fn(model(x), y)  # forward: mean loss of the batch
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # backward: d loss / d parameters
            optimizer.step()  # update
    return model


@torch.inference_mode()
def evaluate(model, loss_fn, loader, device="cpu"):
    model.eval()  # dropout off, BatchNorm uses running statistics
    total, n = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        total += loss_fn(model(x), y).item() * len(y)
        n += len(y)
    return total / n


# --8<-- [end:minimal_loop]
