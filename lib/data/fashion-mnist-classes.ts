/**
 * The ten Fashion-MNIST class names (Xiao, Rasul & Vollgraf 2017), apart from
 * the loader (lib/data/fashion-mnist.ts, which reads files) so that the browser
 * page can name the classes too.
 */

/** The class names, in label order (label `k` is `FASHION_MNIST_CLASSES[k]`). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
