export const handler = async () => {
  throw new TypeError('bad input on purpose');
};
