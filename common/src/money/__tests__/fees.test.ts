import { orderAmounts, percentOf, sellerProceeds } from '../fees';

describe('fees', () => {
  it('when a percentage falls between two cents, then it rounds half up', () => {
    expect(percentOf(1_999, 10)).toBe(200); // 199.9
    expect(percentOf(1_995, 10)).toBe(200); // 199.5
    expect(percentOf(1_994, 10)).toBe(199); // 199.4
    expect(percentOf(1_999, 7.5)).toBe(150); // 149.925
    expect(percentOf(5_000, 0)).toBe(0);
  });

  it('when a buyer reserves, then the total is the price plus the buyer fee', () => {
    expect(orderAmounts(4_500, 10)).toEqual({ price: 4_500, buyerFee: 450, total: 4_950 });
  });

  it('when a seller is paid, then the payout is the price less the seller fee', () => {
    expect(sellerProceeds(4_500, 5)).toEqual({ sellerFee: 225, payout: 4_275 });
    expect(sellerProceeds(4_500, 0)).toEqual({ sellerFee: 0, payout: 4_500 });
  });
});
