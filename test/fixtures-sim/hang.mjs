export const handler = () => new Promise(() => setInterval(() => {}, 1000));
