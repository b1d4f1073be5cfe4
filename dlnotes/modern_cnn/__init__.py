"""Chapter 6, modern convolutional networks: AlexNet, VGG, NiN, GoogLeNet, ResNet,
DenseNet, normalization layers, special and mobile convolutions, Squeeze-and-Excitation,
class activation maps, each from scratch and checked against PyTorch/torchvision."""
