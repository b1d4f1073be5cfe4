"""Chapter 3, multilayer perceptrons: the perceptron, MLPs, activation functions, model
selection, polynomial fitting, weight decay, dropout, backpropagation by hand, numerical
stability and parameter initialization, each from scratch and checked against PyTorch."""
